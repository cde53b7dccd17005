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
outcomes = ["median_wait_minutes", "ikm"]
control = "not_yet_treated"
anticipation = 0
cluster = "unit_id"
covariates = []
estimator = "auto"
pretrend_window = 6
alpha = 0.05
n_boot = 1000
seed = 0
lang = "id"
results_path = ""

# %%
import time

from analysis import config
from analysis.data import load
from analysis.methods import evaluation, planning, pretrends, satisfaction, sensitivity
from analysis.report import parameters, pdf, plots, programme_effects, provenance, results_json, tables
from analysis.report.i18n import bullets, city_name, msg, say, section_why, show
from analysis.report.tables import show_table

parameters.check("programme_effects", globals())  # a refused value stops here, naming the allowed ones
tables.start_page()  # this page's tables, for its workbook
started = time.perf_counter()
directory = config.resolve(data_dir)
data = load.load_city(directory)
ev = evaluation.evaluate_city(
    data,
    tuple(outcomes),
    control=control,
    alpha=alpha,
    n_boot=n_boot,
    seed=seed,
    anticipation=anticipation,
    cluster=cluster,
    estimator=estimator,
    pretrend_window=pretrend_window,
    covariates=covariates,
)
level = int(round(100 * (1 - alpha)))
shown = ev.plan["report"].runs and bool(ev.outcomes)  # else the analysis sections say why not
demo = (directory / "truth.json").exists()

# %%
say("# Dampak program pengembangan kinerja ASN: {city}", lang, city=city_name(data.city))
if demo:
    show("report.demo_banner", lang, city=city_name(data.city))
decision = programme_effects.decision_summary(ev, lang) if shown else []  # also in results.json
if shown:  # the decision first: what changed, how sure, what it cost, what to do
    show("decision.heading", lang)
    bullets(decision)

# %% [markdown]
# ## Pertanyaan
#
# Kota ini melatih dan membina aparatur sipil negara (ASN) di unit-unit layanannya: puskesmas, kantor
# kecamatan, dinas perizinan dan kependudukan. Laporan ini menjawab satu pertanyaan: **apakah program
# memperpendek waktu tunggu layanan dan menaikkan Indeks Kepuasan Masyarakat (IKM)?** Jawabannya memuat
# besar dampak, ketidakpastiannya, di sektor mana dampak itu terjadi, dan apakah dampak itu bertahan. Sama
# pentingnya, laporan ini mengatakan terus terang **bila data belum cukup untuk menjawab**.

# %%
say("## Kesimpulan", lang)
if not ev.plan["report"].runs:
    show("ready.report_skipped", lang, why=section_why(ev.plan["report"], lang))
bullets(programme_effects.verdict_sentences(ev, lang) + programme_effects.skipped_sentences(ev, lang))

# %% [markdown]
# Setiap kesimpulan adalah salah satu dari lima: **turun**, **naik**, **tidak ada perubahan yang
# terdeteksi**, **rapuh** (angkanya ada, tetapi uji asumsi gagal atau kesimpulan runtuh oleh perbedaan tren
# yang kecil) dan **data terlalu sedikit**. "Tidak ada perubahan yang terdeteksi" bukan bukti bahwa program
# tidak berdampak: kalimatnya menyebut dampak terbesar yang masih sesuai dengan data.
#
# ## Data
#
# Dua sumber diukur di setiap unit layanan. **Log antrean** mencatat setiap kunjungan: kapan warga datang,
# kapan dilayani, dan apakah ia pergi sebelum dilayani; dari sini dihitung median waktu tunggu per unit per
# bulan. **Survei kepuasan** mengikuti PermenPAN-RB 14/2017: warga menilai setiap unsur layanan, dan nilai
# rata-rata tertimbangnya diubah menjadi IKM per unit per triwulan. Tabel **peluncuran** mencatat kapan setiap unit masuk
# program; unit yang belum ikut menjadi pembanding. Data pribadi pegawai tidak dipakai di laporan ini.

# %%
if ev.visit_panel is not None:
    say(
        "{n_units} unit layanan, {n_months} bulan ({first} s.d. {last}), {n_visits} kunjungan tercatat; "
        "{n_treated} unit masuk program dalam {n_cohorts} gelombang, {n_never} unit belum pernah ikut "
        "(pembanding).",
        lang,
        **evaluation.describe(ev),
    )
    plots.rollout_timing(ev.visit_panel, lang=lang)

# %% [markdown] tags=["print-only"]
# *Versi cetak: bagian untuk peneliti (metode, uji tren sebelum program, analisis kepekaan, uji ketahanan dan
# dampak menurut jam pelatihan) ada di halaman web laporan ini.*

# %% [markdown]
# ## Cara mengukur dampak
#
# Unit masuk program pada bulan yang berbeda, dan unit yang lebih dulu ikut sering sudah lebih baik sejak
# awal. Karena itu laporan ini tidak membandingkan unit program dengan unit lain begitu saja, dan tidak pula
# membandingkan sebelum dengan sesudah saja. Yang dibandingkan adalah **perubahan**: berapa waktu tunggu
# unit program berubah sejak ikut, dikurangi perubahan pada unit pembanding (unit yang belum ikut) di bulan
# yang sama.
#
# Cara ini hanya benar bila, tanpa program, kedua kelompok akan bergerak sejajar. Itu tidak dapat dibuktikan,
# hanya diperiksa: laporan melihat apakah keduanya memang bergerak sejajar pada bulan-bulan sebelum program,
# dan seberapa besar penyimpangan yang dapat membatalkan kesimpulan. Bila pemeriksaan gagal, kesimpulannya
# **rapuh** dan tidak dipakai untuk keputusan. Rincian metode ada di bagian *Untuk peneliti* di bawah.

# %%
if shown:
    say("## Tren mentah per gelombang", lang)
    for name in ev.outcomes:
        panel, time_col = (ev.ikm_panel, "quarter") if name == "ikm" else (ev.visit_panel, "month")
        plots.raw_trends(panel, name, time_col=time_col, lang=lang)

# %%
if ev.ikm_panel is not None:
    say("## Tingkat IKM per unit (tahun terakhir)", lang)
    now = evaluation.ikm_now(ev)
    if now:
        say(
            "IKM kota tahun {year} (rata-rata {n} unit): **{ikm:.2f}**, mutu {mutu} ({kinerja}).",
            lang,
            year=now["year"],
            n=now["n_units"],
            ikm=now["ikm"],
            mutu=now["mutu"],
            kinerja=satisfaction.kinerja(now["mutu"], lang),
        )
        plots.ikm_by_unit(ev.ikm_panel, lang=lang)

# %%
if shown:
    say("## Dampak menurut bulan sejak program dimulai", lang)
    say(
        "Titik = dampak rata-rata; garis tipis = selang kepercayaan {level}% per titik; pita = selang "
        "{level}% untuk semua titik sekaligus. Titik sebelum 0 seharusnya di sekitar nol.",
        lang,
        level=level,
    )
    for oe in ev.outcomes.values():
        if oe.result is not None:
            window = (-12, 24) if oe.frequency == "month" else (-6, 8)
            plots.event_study(oe.result, oe.frequency, lang=lang, window=window)

# %%
if shown:
    say("## Temuan utama", lang)
    show_table(programme_effects.headline(ev, lang), lang, localised=True)

# %% [markdown] tags=["researchers"]
# ## Untuk peneliti: metode
#
# Perbandingan sebelum-sesudah, atau regresi dua arah biasa (TWFE), bisa bias bila unit masuk program
# bertahap dan dampaknya berbeda antar gelombang. Kami memakai estimator *difference-in-differences*
# bertahap dari Callaway & Sant'Anna (2021): setiap gelombang dibandingkan dengan unit yang belum ikut pada
# bulan yang sama, lalu hasilnya dirata-rata. Bila sebagian unit tidak punya data pada sebagian bulan,
# kesimpulan bertumpu pada estimator imputasi dari Borusyak, Jaravel & Spiess (2024), yang membandingkan
# setiap unit dengan bulan-bulannya sendiri.
#
# Asumsi utamanya: tanpa program, unit yang ikut dan pembandingnya akan bergerak sejajar (*parallel
# trends*). Asumsi ini diperiksa dengan uji pra-tren pada bulan-bulan sebelum program, dan dengan analisis
# kepekaan HonestDiD yang bertanya seberapa besar pelanggaran asumsi yang dapat membatalkan kesimpulan.
# Selang kepercayaan memperhitungkan bahwa bulan-bulan dari unit yang sama saling berkaitan (galat baku
# berkelompok); pita pada grafik dampak per bulan adalah selang simultan dari bootstrap pengali.

# %% tags=["researchers"]
# the comparison group and the clusters this run used, from its parameters
show(f"method.control.{control}", lang)
show(f"method.cluster.{cluster}", lang)
if shown:
    say("Bootstrap pengali untuk pita simultan: {n_boot} ulangan.", lang, n_boot=n_boot)
    bullets(programme_effects.method_notes(ev, lang))
    show_table(programme_effects.method_table(ev, lang), lang, localised=True)

# %% tags=["researchers"]
if shown:
    say("## Uji pra-tren", lang)
    say(
        "Sebelum program, gelombang dan pembanding seharusnya bergerak sejajar. Dua uji memeriksanya. "
        "(1) **Pergeseran per gelombang**: pada bulan-bulan sebelum setiap unit ikut, apakah gelombang itu "
        "sudah membaik atau memburuk secara bertahap dibanding unit lain? Uji ini dirancang untuk tren yang "
        "berbeda (misalnya unit yang lebih dulu ikut sudah membaik); kolom terakhir menyebut pergeseran "
        "terkecil yang tertangkap {power:.0%} kali. (2) **Uji gabungan** atas {window} periode sebelum periode "
        "acuan, untuk lonjakan tepat sebelum program. Kedua uji memakai koreksi sampel kecil (F), jadi tidak "
        "terlalu sering menolak bila unit sedikit. Bila salah satu menolak, kesimpulan menjadi *rapuh*.",
        lang,
        window=pretrend_window,
        power=pretrends.DETECT_POWER,
    )
    show_table(programme_effects.pretrend_table(ev, lang), lang, localised=True)
    for name, oe in ev.outcomes.items():
        if oe.pretests is not None:
            window = (-12, 6) if oe.frequency == "month" else (-6, 2)
            plots.pre_period(
                oe.pretests, name, oe.frequency, lang=lang, n_units=oe.result.n_units, window=window
            )

# %% tags=["researchers"]
if shown and any(oe.sensitivity is not None for oe in ev.outcomes.values()):
    say("## Seberapa kuat kesimpulan bila tren tidak sejajar", lang)
    width, _, n_post = sensitivity.BINS["month"]
    say(
        "Uji pra-tren yang lolos tidak membuktikan tren sejajar; bisa jadi ujinya kurang kuat. Karena itu kami "
        "bertanya: seberapa besar perbedaan tren setelah program yang dapat membatalkan kesimpulan? Metode "
        "HonestDiD (Rambachan & Roth 2023, batasan *besaran relatif*) mengizinkan perbedaan tren setelah "
        "program bergeser dari satu periode ke periode berikutnya paling banyak **M** kali pergeseran terbesar "
        "yang terlihat sebelum program. Untuk tiap M, grafik menunjukkan selang {level}% dampak rata-rata pada "
        "{months} bulan pertama (IKM: {quarters} triwulan pertama) yang tetap sah; **nilai patah** adalah M "
        "terkecil yang selangnya memuat nol. Nilai patah di bawah {mbar_min} berarti perbedaan tren sebesar "
        "yang sudah ada sebelum program cukup untuk menjelaskan dampak: kesimpulan menjadi *rapuh*. Koefisien "
        "bulanan dirata-rata per {width} bulan agar pergeseran terbesar tidak ditentukan oleh gangguan acak "
        "satu bulan.",
        lang,
        level=level,
        months=width * n_post,
        quarters=sensitivity.BINS["quarter"][2],
        mbar_min=evaluation.BREAKDOWN_MIN,
        width=width,
    )
    bullets(programme_effects.sensitivity_sentences(ev, lang))
    for name, oe in ev.outcomes.items():
        if oe.sensitivity is not None and oe.sensitivity.status == "ok":
            plots.sensitivity(
                oe.sensitivity,
                name,
                lang=lang,
                n_units=oe.result.n_units - oe.sensitivity_dropped,
                alpha=alpha,
            )

# %% tags=["researchers"]
if shown:
    say("## Uji ketahanan", lang)
    for name, oe in ev.outcomes.items():
        show_table(
            programme_effects.robustness_table(oe, lang, alpha),
            lang,
            caption=msg(f"outcome.{name}", lang),
            localised=True,
        )

# %%
if shown:
    say("## Menurut sektor", lang)
    for name, oe in ev.outcomes.items():
        if oe.by_sector is not None:
            if oe.by_sector["estimate"].notna().any():  # else every sector is too thin: the table says so
                plots.by_sector(oe.by_sector, name, lang=lang)
            show_table(
                programme_effects.group_table(oe.by_sector, "sector", lang, alpha),
                lang,
                caption=msg(f"outcome.{name}", lang),
            )

# %% tags=["researchers"]
if shown:
    say("## Menurut jam pelatihan (JP per pegawai)", lang)
    for name, oe in ev.outcomes.items():
        if oe.by_dose is not None:
            show_table(
                programme_effects.group_table(oe.by_dose, "dose_group", lang, alpha),
                lang,
                caption=msg(f"outcome.{name}", lang),
            )

# %%
if ev.planning:
    say("## Perencanaan gelombang berikutnya", lang)
    plan = ev.planning
    common = {"pct": plan["target_pct"] / 100, "minutes": plan["effect_minutes"], "power": planning.POWER}
    sim = plan.get("simulation")
    if sim is None:
        say(
            "Perkiraan awal dengan rumus tertutup: untuk mendeteksi penurunan {pct:.0%} waktu tunggu "
            "({minutes:.1f} menit) dengan kuasa {power:.0%} dibutuhkan sekitar **{n} unit** (separuh ikut "
            "program, {months} bulan sebelum dan {months} bulan sesudah). Rumus ini mengandaikan dua kelompok, "
            "bukan jadwal peluncuran bertahap dan estimator yang sebenarnya, sehingga cenderung terlalu kecil: "
            "anggap sebagai batas bawah.",
            lang,
            n=plan["first_guess_units"],
            months=evaluation.CLOSED_FORM_MONTHS,
            **common,
        )
    elif sim["units_needed"] is None:
        say(
            "Disimulasikan dengan {draws} panel untuk setiap jumlah unit: penurunan {pct:.0%} waktu tunggu "
            "({minutes:.1f} menit) tidak terdeteksi dengan kuasa {power:.0%} bahkan dengan {max_units} unit pada "
            "jadwal ini. Dengan {n_now} unit sekarang, dampak terkecil yang terdeteksi {power:.0%} kali adalah "
            "**{mde:.1f} menit**.",
            lang,
            draws=sim["draws"],
            max_units=planning.MAX_UNITS,
            n_now=sim["n_units_now"],
            mde=sim["mde_now"],
            **common,
        )
    else:
        say(
            "Disimulasikan dengan {draws} panel untuk setiap jumlah unit: cara perkiraan yang sama dengan "
            "kesimpulan, jadwal peluncuran kota ini, bagian bulan yang tercatat ({observed:.0%}) dan "
            "gangguannya, yang disetel agar galat baku simulasi pada {n_now} unit sama dengan galat baku temuan "
            "utama. Dengan {n_now} unit sekarang, dampak terkecil yang terdeteksi {power:.0%} kali adalah "
            "**{mde:.1f} menit**. Untuk mendeteksi penurunan {pct:.0%} waktu tunggu ({minutes:.1f} menit) "
            "dengan kuasa {power:.0%} dibutuhkan sekitar **{n} unit** dengan jadwal yang sama (kuasa tersimulasi "
            "pada jumlah itu: {power_at_n:.0%}). Kuasa diukur dengan uji yang dikoreksi agar menolak dampak nol "
            "yang benar {size:.0%} kali; dengan {n} unit, selang {level}% di laporan akan mengecualikan nol yang "
            "benar {size_at_n:.0%} kali. Perkiraan awal dengan rumus tertutup (dua kelompok, {months} bulan "
            "sebelum dan sesudah): {first} unit.",
            lang,
            draws=sim["draws"],
            observed=sim["design"]["observed"],
            n_now=sim["n_units_now"],
            mde=sim["mde_now"],
            n=sim["units_needed"],
            power_at_n=sim["power_at_units_needed"],
            size=alpha,
            size_at_n=sim["size_at_units_needed"],
            level=level,
            first=plan["first_guess_units"],
            months=evaluation.CLOSED_FORM_MONTHS,
            **common,
        )
        if sim["limited_by_min_treated"]:
            say(
                "{n} unit adalah juga jumlah terkecil dengan {min_treated} unit ikut program; dengan lebih "
                "sedikit, laporan menyatakan *data terlalu sedikit*.",
                lang,
                n=sim["units_needed"],
                min_treated=sim["min_treated"],
            )

# %% [markdown]
# Angka perencanaan adalah simulasi, bukan janji. Simulasi memakai jadwal peluncuran dan tingkat gangguan
# kota ini; bila gelombang berikutnya lebih kecil, log antrean lebih sering kosong, atau dampak program baru
# muncul setelah beberapa bulan, unit yang dibutuhkan lebih banyak.

# %%
say("## Arti bagi perencana dan keterbatasan", lang)
bullets(programme_effects.caveats(ev, lang))

# %% [markdown]
# Keterbatasan yang berlaku untuk setiap kota: dampak diukur pada unit, bukan pada pegawai; perubahan lain
# yang datang bersamaan dengan program (anggaran baru, aplikasi antrean, pergantian pimpinan) ikut terbaca
# sebagai dampak bila waktunya sama dengan gelombang program; dan waktu tunggu hanya mencakup warga yang
# tercatat di log antrean.

# %%
if results_path:
    results_json.write_results(
        results_path, {**evaluation.results(ev, demo=demo, lang=lang), "decision": decision}
    )
    if tables.write_workbook(results_path.replace(".results.json", ".xlsx"), lang):
        say("[Unduh semua tabel laporan ini (XLSX)]({file})", lang, file="programme_effects.xlsx")
    if pdf.chromium():  # the runner prints the page beside it
        say("[Unduh versi cetak laporan ini (PDF)]({file})", lang, file="programme_effects.pdf")

# %% [markdown]
# ## Asal-usul laporan
#
# Berkas data dan sidik SHA-256-nya, parameter, versi perangkat lunak dan waktu jalan.
#
# *Laporan ini dibuat dari notebook `notebooks/programme_effects.ipynb`. Peneliti dapat membacanya sebelum
# menjalankannya: teks di bawah menjelaskan pertanyaan, data, metode dan keterbatasan; angka dan grafik muncul
# setelah notebook dijalankan untuk satu kota (parameter di sel berikut). Perhitungan ada di
# `analysis.methods.evaluation` dan `analysis.methods.did`, kalimat dan tabel di
# `analysis.report.programme_effects`.*

# %%
params = {
    "city": city,
    "data_dir": data_dir,
    "outcomes": outcomes,
    "control": control,
    "anticipation": anticipation,
    "cluster": cluster,
    "covariates": covariates,
    "estimator": estimator,
    "pretrend_window": pretrend_window,
    "alpha": alpha,
    "n_boot": n_boot,
    "seed": seed,
    "lang": lang,
}
show_table(provenance.provenance(data.files, params, started), lang, download=False)
