# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
city = "kendari"
data_dir = "data/raw/kendari"
k_range = [2, 10]
seed = 0
n_boot = 50
min_cell = 10
lang = "id"
required_source = "reference"
results_path = ""

# %%
import time

from analysis import config
from analysis.data import load
from analysis.methods import competency, readiness
from analysis.report import parameters, pdf, plots, provenance, results_json, tables, training_needs
from analysis.report.i18n import (
    bullets,
    city_name,
    competency_label,
    group_name,
    money,
    msg,
    say,
    section_why,
    show,
)
from analysis.report.tables import show_table

parameters.check("training_needs", globals())  # a refused value stops here, naming the allowed ones
tables.start_page()  # this page's tables, for its workbook
started = time.perf_counter()
directory = config.resolve(data_dir)
data = load.load_city(directory)
plan = readiness.needs_plan(data)
shown = plan["report"].runs  # else the report says why it cannot be made
demo = (directory / "truth.json").exists()
if shown:
    na = training_needs.analyse_city(
        data,
        k_range=range(k_range[0], k_range[1] + 1),
        seed=seed,
        n_boot=n_boot,
        min_cell=min_cell,
        required_source=required_source,
    )
    shortfalls = competency.shortfall(na.gaps)
    page = training_needs.publish(na, lang)  # every count on this page, protected together (report.privacy)
    res = training_needs.results(na, page, demo=demo, lang=lang)  # results.json: the page's numbers


def suppressed(name):
    """The note under a table: how many of its cells are hidden, and why."""
    primary, complementary = page.hidden_in(name)
    if complementary:
        show("training_needs.suppressed_both", lang, n=primary, m=complementary, min_cell=min_cell)
    elif primary:
        show("training_needs.suppressed", lang, n=primary, min_cell=min_cell)


# %%
say("# Kebutuhan pengembangan kompetensi ASN: {city}", lang, city=city_name(data.city))
if demo:
    show("report.demo_banner", lang, city=city_name(data.city))
if not shown:
    show("ready.report_skipped", lang, why=section_why(plan["report"], lang))
else:  # the decision first: who needs what, what it costs, where to start
    show("decision.heading", lang)
    bullets(training_needs.decision_summary(res, lang))

# %% [markdown]
# ## Pertanyaan
#
# **Kompetensi apa yang kurang pada kelompok pegawai mana, berapa orang, dan pelatihan apa yang menutup
# kesenjangan itu?** Laporan ini membantu badan kepegawaian dan perangkat daerah menyusun rencana
# pengembangan kompetensi: siapa yang perlu dilatih dalam hal apa, berapa jam pelajaran (JP) dan berapa
# biayanya, dan apakah setiap pegawai sudah mendapat hak pengembangan tahunannya.
#
# ## Data
#
# Hasil asesmen kompetensi manajerial dan sosial kultural menurut PermenPAN-RB 38/2017: setiap pegawai
# dinilai pada setiap kompetensi menurut skala level kompetensi, dan setiap kelas jabatan punya level yang
# dipersyaratkan. Bersama itu dipakai tabel pegawai (perangkat daerah dan kelas jabatan), riwayat pelatihan,
# dan penilaian kinerja (SKP). Nama dan NIP tidak pernah sampai ke laporan: pegawai dikenali dengan kode
# samaran yang dibuat saat data dibaca.

# %%
if shown:
    n_assessed = page.value(("text", "assessed"))
    n_short = page.value(("text", "short"))
    say(
        "{n_assessed} pegawai dinilai pada {n_comp} kompetensi (PermenPAN-RB 38/2017); {n_short} ({share:.0%}) "
        "kurang setidaknya satu level pada satu kompetensi.",
        lang,
        n_assessed=n_assessed,
        n_comp=shortfalls.shape[1],
        n_short=n_short,
        share=n_short / n_assessed
        if isinstance(n_short, int) and isinstance(n_assessed, int)
        else float("nan"),
    )
    show(f"training_needs.required_{required_source}", lang)
    differences = training_needs.table(page, "required_differences")
    if len(differences):
        summary = training_needs.required_summary(na, page)
        show(
            "training_needs.required_differ",
            lang,
            records=summary["records"] if summary["records"] is not None else f"<{min_cell}",
            pairs=summary["differing_standards"],
            source=msg(f"training_needs.source.{required_source}", lang),
        )
        show_table(differences, lang)
        suppressed("required_differences")
    plots.shortfall_by_competency(shortfalls, lang=lang, n=n_assessed)

# %% [markdown]
# ## Metode
#
# **Mengapa kekurangan, bukan nilai mentah.** Kelompok dibentuk dari *kekurangan*, yaitu selisih antara
# level yang dipersyaratkan dan hasil asesmen bila hasilnya di bawah standar (nol bila memenuhi standar),
# per kompetensi. Nilai mentah hanya akan memisahkan pegawai menurut jenjang jabatan, karena jabatan yang
# lebih tinggi punya standar yang lebih tinggi, bukan menurut kebutuhan pelatihan.
#
# **Kelompok.** Pegawai dengan pola kekurangan yang mirip dikelompokkan bersama, dan jumlah kelompok dipilih
# dari data. Setiap kelompok diuji dengan mengambil ulang data berkali-kali: kelompok yang selalu muncul
# kembali disebut *stabil* atau *sangat stabil*; yang hanya kadang muncul disebut *pola* (kekurangannya nyata,
# tetapi siapa anggotanya belum pasti); yang jarang muncul *tidak dapat dipercaya*. Pegawai yang tidak dinilai
# pada semua kompetensi dikelompokkan menurut kompetensi yang dinilai, tidak dibuang.
#
# **Rencana pelatihan.** Kelayakan bersifat individual: setiap pegawai yang kurang pada suatu kompetensi
# dijadwalkan ke program pelatihan untuk kompetensi itu, dengan JP dan biaya dari tabel program di
# `data/reference/`. Kelompok membantu membaca pola, tetapi tidak menentukan siapa yang dilatih. Rencana
# melewati pegawai yang sudah mengikuti pelatihan kompetensi itu setelah asesmennya, menandai kekurangan satu
# level yang perlu *dikonfirmasi dulu* (asesmen ulang atau pembelajaran di tempat kerja sebelum kursus), dan
# mendahulukan pegawai yang paling jauh dari hak JP tahunannya.

# %%
if shown:
    say("## Kelompok pegawai", lang)
    key, fields = training_needs.stability_note(na, lang)
    show(key, lang, **fields)
    if ("text", "incomplete") in page.cells:
        say(
            "{n} pegawai tidak dinilai pada semua kompetensi; mereka dikelompokkan menurut kompetensi yang "
            "dinilai.",
            lang,
            n=page.value(("text", "incomplete")),
        )
    c = na.clusters
    sizes = training_needs.table(page, "group_sizes")
    if c.k > 1:
        names = {g: group_name(n, lang) for g, n in c.names.items()}
        published = {
            g: (None if isinstance(s, str) else s)
            for g, s in zip(sizes["group"], sizes["staff"], strict=False)
        }
        plots.group_profiles(
            c.profiles,
            names,
            {g: msg(f"band.{b}", lang) for g, b in c.stability["band"].items()},
            lang=lang,
            min_cell=min_cell,
            sizes=published,
            n=n_assessed,
        )
    show_table(sizes, lang)
    suppressed("group_sizes")

# %%
if shown:
    say("## Kelompok per perangkat daerah", lang)
    show_table(training_needs.table(page, "groups_by_agency"), lang)
    suppressed("groups_by_agency")

# %%
if shown:
    say("## Rencana pelatihan", lang)
    totals = {k: page.value(("plan", c)) for k, c in training_needs.PLAN_FIELDS.items()}
    cost = totals["cost_idr"]
    say(
        "Kelayakan bersifat individual (kurang setidaknya satu level pada kompetensi itu): {people} pegawai, "
        "{enrolments} penempatan pelatihan, {jp} JP, perkiraan biaya {cost}.",
        lang,
        people=totals["people"],
        enrolments=totals["enrolments"],
        jp=totals["jp"],
        cost=cost if isinstance(cost, str) else money(cost, lang),
    )
    biggest = training_needs.largest_need(page)
    if biggest:
        say(
            "Kebutuhan terbesar: **{name}** ({participants} pegawai).",
            lang,
            name=biggest["name"],
            participants=biggest["participants"],
        )
    history = res["plan"]
    if history["skipped_enrolments"]:
        say(
            "{enrolments} penempatan untuk {people} pegawai **tidak direncanakan lagi**: mereka sudah mengikuti "
            "pelatihan kompetensi itu setelah asesmen yang menemukan kekurangannya (hemat {cost}). Ukur ulang "
            "kompetensinya dulu.",
            lang,
            enrolments=training_needs.shown_count(history["skipped_enrolments"]),
            people=training_needs.shown_count(history["skipped_people"]),
            cost=training_needs.shown_money(history["skipped_cost_idr"], lang),
        )
    if history["confirm_enrolments"]:
        say(
            "{enrolments} penempatan ({people} pegawai, {cost}) adalah **konfirmasi dulu**: kekurangan satu "
            "level yang merupakan satu-satunya kekurangan pegawai itu, atau pada pegawai yang kelompoknya "
            "belum pasti. Satu level dekat dengan galat asesmen: konfirmasi dengan asesmen ulang atau "
            "pembelajaran di tempat kerja sebelum mendaftarkan kursus.",
            lang,
            enrolments=training_needs.shown_count(history["confirm_enrolments"]),
            people=training_needs.shown_count(history["confirm_people"]),
            cost=training_needs.shown_money(history["confirm_cost_idr"], lang),
        )
    if history.get("below_20_jp"):
        say(
            "{n} pegawai dalam rencana belum mencapai {jp} JP pada {year}: rencana mendahulukan mereka, yang "
            "paling jauh di bawah {jp} JP lebih dulu.",
            lang,
            n=training_needs.shown_count(history["below_20_jp"]),
            jp=training_needs.training.JP_PER_YEAR,
            year=na.jp_year,
        )
    missing = history.get("without_programme")
    if missing:
        show(
            "needs.no_programme",
            lang,
            people=training_needs.shown_count(missing["people"]),
            names=", ".join(competency_label(c, lang) for c in missing["competencies"]),
        )
    show_table(training_needs.table(page, "plan_by_programme"), lang)
    suppressed("plan_by_programme")
    show_table(training_needs.table(page, "training_plan"), lang)
    suppressed("training_plan")

# %%
if shown and na.jp_check is not None:
    say(
        "## Hak pengembangan {jp} JP per tahun ({year})",
        lang,
        jp=training_needs.training.JP_PER_YEAR,
        year=na.jp_year,
    )
    say(
        "Setiap PNS berhak dan wajib mengikuti pengembangan kompetensi paling sedikit {jp} JP setahun "
        "(PP 11/2017 jo. PP 17/2020). Tabel ini menghitung JP pelatihan yang dimulai pada tahun itu per "
        "pegawai; pelatihan yang tidak tercatat di riwayat pelatihan tidak terhitung.",
        lang,
        jp=training_needs.training.JP_PER_YEAR,
    )
    show_table(training_needs.table(page, "jp_by_agency"), lang)
    suppressed("jp_by_agency")

# %%
if shown and res["learning"]:
    say("## Apakah pelatihan berhasil?", lang)
    say(
        "{n} pegawai dinilai dua kali. Untuk setiap bentuk pelatihan, kenaikan level kompetensi yang dilatih "
        "pada pegawai yang mengikutinya di antara kedua asesmen dibandingkan dengan kenaikan pada pegawai "
        "dengan level awal yang sama yang tidak dilatih pada kompetensi itu; yang tidak dilatih pun berubah "
        "rata-rata {drift:+.2f} level. Perbandingan sebelum-sesudah saja menghitung perubahan itu sebagai hasil "
        "pelatihan.",
        lang,
        n=training_needs.shown_count(res["learning"]["reassessed"]),
        drift=res["learning"]["comparison_change"],
    )
    sentence = training_needs.learning_sentence(res["learning"], lang)
    if sentence:
        bullets([sentence])
    show_table(training_needs.learning_table(res["learning"], lang), lang, localised=True)

# %% [markdown] tags=["researchers"]
# ### Untuk peneliti: desain perbandingan pelatihan
#
# Setiap pasangan pegawai-kompetensi yang dinilai dua kali memberi satu perubahan (asesmen terakhir dikurangi
# yang pertama). Pegawai *dilatih* bila mengikuti program katalog untuk kompetensi itu yang dimulai pada atau
# sesudah asesmen pertama dan sebelum asesmen kedua (menurut bentuk program pertamanya); yang lain pembanding.
# Dampak per bentuk diestimasi dengan kuadrat terkecil dengan sel per kompetensi dan level awal (pegawai hanya
# dibandingkan dengan yang mulai dari level yang sama), galat baku berkelompok per unit layanan. Dengan dua
# asesmen per orang ini adalah *difference-in-differences* dua periode. Asumsinya: tanpa pelatihan, pegawai
# yang dilatih akan berubah seperti pembanding dengan level awal yang sama, dan asesmen kedua sama ketatnya
# dengan yang pertama. Bentuk dengan terlalu sedikit pegawai dilatih atau unit dinyatakan *data terlalu
# sedikit*.

# %% tags=["researchers"]
if shown and res["learning"]:
    say("Dampak per program (katalog):", lang)
    show_table(training_needs.learning_programme_table(res["learning"], lang), lang, localised=True)

# %%
if shown and res["performance"]:
    say("## Apakah pelatihan mengubah kinerja (SKP)?", lang)
    say(
        "Penilaian SKP tahunan (PermenPAN-RB 6/2022) dibaca sebagai level: 1 di bawah, 2 sesuai, 3 di atas "
        "ekspektasi. Pegawai yang dilatih dibandingkan dengan pegawai yang belum dilatih, mulai dari tahun sebelum "
        "tahun buruk yang sering mendahului pelatihan. Perbandingan sebelum-sesudah saja menghitung pemulihan dari "
        "tahun buruk itu sebagai hasil pelatihan.",
        lang,
    )
    bullets(training_needs.performance_sentences(res["performance"], lang))
    show_table(training_needs.performance_table(res["performance"], lang), lang, localised=True)
    plots.folded_figure(
        plots.skp_event_study(res["performance"], lang=lang),
        msg("skp.figure_summary", lang),
        msg("skp.figure_alt", lang),
    )

# %% [markdown] tags=["researchers"]
# ### Untuk peneliti: desain perbandingan kinerja (SKP)
#
# Satu baris per pegawai dan tahun SKP; kohort seorang pegawai adalah tahun program pertamanya yang tercatat.
# Dampak diestimasi dengan *difference-in-differences* bertahap Callaway & Sant'Anna (2021) pada tingkat
# pegawai, galat baku berkelompok per unit layanan, dengan satu tahun antisipasi: setiap kohort dibandingkan
# dengan tahun dua tahun sebelum pelatihan pertamanya, dan pembanding pada suatu tahun adalah pegawai yang
# belum dilatih sampai tahun berikutnya. Alasannya penurunan Ashenfelter (Ashenfelter 1978; Heckman & Smith
# 1999): pegawai dikirim pelatihan sesudah tahun yang buruk, dan tahun berikutnya membaik dengan sendirinya.
# Diukur dari tahun tepat sebelum pelatihan, pemulihan itu terhitung sebagai dampak (kolom di bawah). Asumsinya:
# tahun buruk itu guncangan sesaat yang hilang dalam setahun (penurunan yang berlangsung dua tahun membuat
# estimasi terlalu tinggi; uji pra-tren lalu gagal dan putusannya *rapuh*), dan tanpa pelatihan pegawai yang
# dilatih akan bergerak seperti pembanding. Asumsi itu gagal bila pegawai dipilih karena kinerjanya terus
# menurun (tren pribadi yang berlanjut sesudah pelatihan, bukan satu tahun buruk): dampak nol lalu tampak
# sebagai *menurun*. Uji pra-tren menangkap penurunan yang jelas, tetapi penurunan yang landai bisa lolos. Karena
# itu setiap kesimpulan yang pasti juga diuji terhadap tren garis lurus dari tahun-tahun sebelum penurunan
# yang diteruskan (HonestDiD, restriksi kemulusan dengan M nol; Rambachan & Roth 2023): bila selang itu
# memuat nol, putusannya *rapuh* (kolom selang bila tren berlanjut). Pada simulasi, pemeriksaan ini jarang
# menyentuh dampak yang nyata, tetapi tidak menangkap semua penurunan landai, dan tren yang melengkung (bukan
# garis lurus) tidak terhapus seluruhnya: selang itu lalu terlalu sempit. Asumsi lain: setiap pelatihan sejak
# tahun SKP pertama tercatat. Pegawai yang dilatih sebelum catatan pelatihan dimulai tampak belum dilatih atau
# baru dilatih belakangan; pada simulasi dampaknya lalu terlalu kecil dan putusannya biasanya *rapuh*, dampak
# nol tetap nol. Laporan menyebutnya bila tahun SKP dimulai lebih awal daripada catatan pelatihan.
# Uji pra-tren memakai tahun-tahun sebelum tahun buruk; interval pada grafik bersifat titik demi titik. Hasil
# pembinaan pegawai di kotak pembinaan belum dinilai: data tidak mencatat siapa yang dibina.

# %% tags=["researchers"]
if shown and res["performance"]:
    show_table(training_needs.performance_method_table(res["performance"], lang), lang, localised=True)

# %%
if shown:
    say("## Kinerja dan talenta (SKP, kotak 9)", lang)
    for name in ("predicate_by_group", "talent_by_group", "talent_actions"):
        table = training_needs.table(page, name)
        if len(table):
            show_table(table, lang)
            suppressed(name)
    if res["talent_next_year"]:
        bullets(training_needs.next_year_sentences(res["talent_next_year"], lang))

# %% [markdown] tags=["researchers"]
# ## Untuk peneliti: jumlah kelompok, kestabilan dan model kelas laten
#
# Kelompok dibentuk dengan *k-means* pada vektor kekurangan (baris yang sama digabung dengan bobot). Jumlah
# kelompok k dipilih dengan statistik *gap* dan aturan satu galat baku (Tibshirani, Walther & Hastie 2001).
# Kestabilan dinilai per kelompok seperti *clusterboot* (Hennig 2007): rata-rata kemiripan Jaccard bootstrap
# antara kelompok dan padanan terbaiknya, dibaca dengan pita clusterboot (batasnya di bawah). ARI bootstrap
# rata-rata hanya informasi, bukan syarat. Pegawai dengan kompetensi yang tidak dinilai bergabung ke pusat
# kelompok terdekat menurut kompetensi yang dinilai (jarak parsial, Hathaway & Bezdek 2001).
#
# Model kelas laten (Lazarsfeld & Henry 1968; seperti poLCA dan StepMix) adalah pembandingnya: kekurangan pada
# setiap kompetensi adalah indikator kategori, independen di dalam kelas; diestimasi dengan EM, k dipilih
# dengan BIC. Model ini memberi setiap pegawai peluang keanggotaan; pegawai yang peluang terbesarnya di bawah
# batas *belum pasti*, dan kekurangan satu levelnya direncanakan sebagai konfirmasi dulu.

# %% tags=["researchers"]
if shown:
    bands = dict(competency.JACCARD_BANDS)  # lower edge -> band
    say(
        "Pita kestabilan (Jaccard): >= {a:.2f} sangat stabil, >= {b:.2f} stabil, >= {c:.2f} pola, di bawahnya tidak "
        "dapat dipercaya. Kategori kekurangan model kelas laten: 0 sampai {top} level atau lebih; batas belum "
        "pasti: peluang terbesar < {cut}.",
        lang,
        a=list(bands)[0],
        b=list(bands)[1],
        c=list(bands)[2],
        top=training_needs.latent_class.CATEGORIES - 1,
        cut=training_needs.latent_class.UNCERTAIN,
    )
    if na.clusters.stability["mean_ari"] == na.clusters.stability["mean_ari"]:  # not NaN: bootstrapped
        say(
            "Bootstrap: {n_boot} ulangan; ARI bootstrap rata-rata {ari:.2f} (informasi).",
            lang,
            n_boot=n_boot,
            ari=na.clusters.stability["mean_ari"],
        )
    if k_range[0] == k_range[1]:  # the number was set by the parameters, not chosen from the data
        say(
            "**Jumlah kelompok ditetapkan {k} oleh parameter k_range, bukan dipilih dari data.** Statistik gap "
            "di bawah hanya menunjukkan berapa yang akan dipilih data.",
            lang,
            k=k_range[0],
        )
    plots.k_selection(na.clusters.selection, na.clusters.k, n_assessed, lang=lang)
    show_table(training_needs.stability_table(na, lang), lang, download=False)
    latent = res["latent_class"]
    say(
        "Model kelas laten: BIC memilih **{k} kelas**; kesesuaiannya dengan kelompok k-means ARI {ari:.2f}; "
        "{uncertain} pegawai kelompoknya belum pasti (peluang terbesar < {cut}).",
        lang,
        k=latent["k"],
        ari=latent["ari_with_kmeans"],
        uncertain=training_needs.shown_count(latent["uncertain"]),
        cut=training_needs.latent_class.UNCERTAIN,
    )
    show_table(training_needs.latent_selection(na, lang), lang, download=False)

# %% [markdown]
# ## Keterbatasan
#
# - Kekurangan satu level dekat dengan galat pengukuran asesmen; jangan menilai seorang pegawai dari satu
#   asesmen saja.
# - Hasil asesmen cenderung menumpuk di sekitar standar (banyak pegawai tepat memenuhi standar), sehingga
#   kelompok "memenuhi standar" besar.
# - Standar kompetensi per jabatan dapat diatur instansi (`data/reference/required_levels.csv`).
# - Pengelompokan pegawai adalah profiling: perlu penilaian dampak pelindungan data pribadi (UU 27/2022,
#   Pasal 34).

# %%
if shown:
    show("training_needs.disclosure", lang, min_cell=min_cell, **page.counts())

# %%
if results_path and shown:
    results_json.write_results(results_path, res)
    if tables.write_workbook(results_path.replace(".results.json", ".xlsx"), lang):
        say("[Unduh semua tabel laporan ini (XLSX)]({file})", lang, file="training_needs.xlsx")
    if pdf.chromium():  # the runner prints the page beside it
        say("[Unduh versi cetak laporan ini (PDF)]({file})", lang, file="training_needs.pdf")

# %% [markdown]
# ## Asal-usul laporan
#
# Berkas data dan sidik SHA-256-nya, parameter, versi perangkat lunak dan waktu jalan.
#
# *Laporan ini dibuat dari notebook `notebooks/training_needs.ipynb`. Teks di bawah dapat dibaca sebelum
# notebook dijalankan; angka, tabel dan grafik muncul setelah dijalankan untuk satu kota. Perhitungan ada di
# `analysis.methods.competency`, `analysis.methods.training` dan `analysis.methods.talent`; penyusunan
# halaman dan perlindungan angka kecil di `analysis.report.training_needs` dan `analysis.report.privacy`.*

# %%
params = {
    "city": city,
    "data_dir": data_dir,
    "k_range": k_range,
    "seed": seed,
    "n_boot": n_boot,
    "min_cell": min_cell,
    "lang": lang,
    "required_source": required_source,
}
show_table(provenance.provenance(data.files, params, started), lang, download=False)
