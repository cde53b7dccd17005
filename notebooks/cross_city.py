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
reports_dir = "reports"
lang = "id"
alpha = 0.05
results_path = ""

# %%
import hashlib
import time

from analysis import config
from analysis.methods import pooling
from analysis.report import cross_city, pages, parameters, pdf, plots, provenance, results_json, tables
from analysis.report.i18n import group_name, msg, say
from analysis.report.tables import show_table

parameters.check("cross_city", globals())  # a refused value stops here, naming the allowed ones
tables.start_page()  # this page's tables, for its workbook
started = time.perf_counter()
root = config.resolve(reports_dir)
results = results_json.load_results(root)
level = int(round(100 * (1 - alpha)))
demo = any(r.get("demo") for c in results.values() for r in c.values())

# %%
say("# Perbandingan antarkota", lang)
if demo:
    say(
        "DATA DEMO: semua angka berasal dari data sintetis dengan dampak yang diketahui, bukan data nyata kota.",
        lang,
    )
if not results:
    say("Belum ada hasil kota di {path}.", lang, path=reports_dir)

# %% [markdown]
# ## Pertanyaan
#
# Apakah program yang sama berdampak serupa di kota-kota yang menjalankannya, dan berapa dampak rata-ratanya
# bila semua kota digabung? Halaman ini menempatkan hasil setiap kota berdampingan dan menggabungkannya.
#
# **Hati-hati membandingkan.** Kota berbeda dalam waktu peluncuran, jenis unit layanan, cara pencatatan dan
# mutu data. Selisih antarkota bukan bukti bahwa program di satu kota lebih baik dari yang lain; selisih itu
# bisa berasal dari data atau dari kota itu sendiri.
#
# ## Data dan metode
#
# Setiap kota dianalisis sendiri oleh laporan dampak programnya; halaman ini hanya membaca angka yang sudah
# diterbitkan di `results.json` kota itu, sehingga tidak ada data pegawai atau kunjungan yang dibaca ulang.
# Untuk penggabungan, setiap kota menyumbang dampak rata-rata pada bulan-bulan pertama sejak program dimulai,
# dengan jendela yang sama di setiap kota dan dari estimator imputasi, karena dampak keseluruhan setiap kota
# mencampur lama paparan yang berbeda. Dampak kota-kota itu digabung dengan model efek acak
# (DerSimonian-Laird) dengan selang Hartung-Knapp, yang tetap jujur bila kotanya sedikit. Keragaman antarkota
# dilaporkan sebagai tau (simpangan baku dampak sebenarnya antarkota) dan I². Selang prediksi menunjukkan di
# mana dampak di kota baru kemungkinan jatuh. Kota yang kesimpulannya rapuh atau datanya terlalu sedikit
# disebut, dan gabungan tanpa kota itu ditampilkan di sampingnya.

# %%
# from this many cities on, the forests show provinces (below), not every city: too tall for a phone
many = len(results) >= pages.GROUP_BY_PROVINCE_FROM
say("## Dampak per kota", lang)
for outcome in ("median_wait_minutes", "ikm"):
    table = cross_city.cross_city_effects(results, outcome)
    if len(table):
        label = msg(f"outcome.{outcome}", lang)
        if not many:
            plots.forest(
                table,
                "city",
                msg("plot.cross_effects", lang, outcome=label, n=len(table)),
                msg("axis.effect", lang, outcome=label),
                lang=lang,
            )
        show_table(table, lang, caption=label)

# %%
say("## Dampak gabungan semua kota", lang)
for outcome, freq in (("median_wait_minutes", "month"), ("ikm", "quarter")):
    table, pooled = cross_city.cross_city_pooled(results, outcome, lang, alpha=alpha)
    label = msg(f"outcome.{outcome}", lang)
    if pooled["k"] < 2:
        say("{outcome}: kurang dari 2 kota, tidak digabung.", lang, outcome=label)
        continue
    n, per = int(table["window"].iloc[0]) + 1, msg(f"per_n.{freq}", lang)
    if pooled["pred_low"] is not None:
        prediction = msg(
            "cross_city.prediction", lang, low=pooled["pred_low"], high=pooled["pred_high"], level=level
        )
    else:
        prediction = msg("cross_city.no_prediction", lang, k=pooling.MIN_PREDICTION_CITIES)
    say(
        "**{outcome}**, dampak rata-rata pada {n} {per} pertama sejak program dimulai (sama untuk setiap kota, "
        "estimator imputasi), digabung dengan model efek acak: **{estimate:.2f}** (selang {level}% "
        "Hartung-Knapp: {low:.2f} s.d. {high:.2f}; {k} kota). Keragaman antarkota: tau = {tau:.2f}, "
        "I² = {i2:.0%}. {prediction} Kota berbeda dalam jadwal, jenis unit dan pencatatan: angka gabungan adalah "
        "rata-rata, bukan janji untuk setiap kota.",
        lang,
        outcome=label,
        n=n,
        per=per,
        estimate=pooled["estimate"],
        low=pooled["ci_low"],
        high=pooled["ci_high"],
        level=level,
        k=pooled["k"],
        tau=pooled["tau2"] ** 0.5,
        i2=pooled["i2"],
        prediction=prediction,
    )
    if pooled["left_out"]:
        sound = pooled["sound"]
        if sound["k"] >= 2:
            without = msg(
                "cross_city.pooled_without",
                lang,
                estimate=sound["estimate"],
                low=sound["ci_low"],
                high=sound["ci_high"],
                level=level,
                k=sound["k"],
            )
        else:
            without = msg("cross_city.pooled_without_few", lang)
        say(
            "**Perhatian:** kesimpulan di {cities} rapuh atau datanya terlalu sedikit; perkiraan kota itu bisa "
            "membawa tren yang sudah ada sebelum program ke dalam angka gabungan. {without}",
            lang,
            cities=", ".join(pooled["left_out"]),
            without=without,
        )
    shown = table[["city", "estimate", "ci_low", "ci_high", "verdict"]]
    if not many:
        plots.forest(
            shown,
            "city",
            msg("plot.cross_pooled", lang, outcome=label, n=n, per=per, k=pooled["k"]),
            msg("axis.effect", lang, outcome=label),
            lang=lang,
        )
    show_table(shown.round(2), lang, caption=label)

# %%
if len(results) >= pages.GROUP_BY_PROVINCE_FROM:
    say("## Per provinsi", lang)
    say(
        "Dampak gabungan kab/kota setiap provinsi (model efek acak yang sama; satu kab/kota: dampaknya sendiri, "
        "tanpa selang gabungan) dan jumlah kab/kota menurut kesimpulannya. Dengan sebanyak ini kab/kota, grafik "
        "menunjukkan provinsi, bukan setiap kab/kota; angka setiap kab/kota ada di tabel di atas.",
        lang,
    )
    for outcome in ("median_wait_minutes", "ikm"):
        by_province = cross_city.cross_city_by_province(results, outcome, alpha=alpha)
        if len(by_province):
            plots.province_forest(by_province, outcome, lang=lang)
            show_table(by_province.round(2), lang, caption=msg(f"outcome.{outcome}", lang))

# %%
say("## Tren IKM", lang)
trend = cross_city.cross_city_ikm(results)
if len(trend):
    plots.cross_city_ikm(trend, lang=lang)

# %%
say("## Porsi kelompok pegawai", lang)
shares = cross_city.cross_city_groups(results)
if len(shares):
    shares["group"] = shares["group"].map(lambda n: group_name(n, lang))
    plots.cross_city_groups(shares, lang=lang)
    show_table(shares, lang)

# %% [markdown]
# Nama kelompok pegawai dibentuk dari kompetensi yang kurang, sehingga kelompok dengan nama yang sama di dua
# kota memiliki pola kekurangan yang mirip, tetapi tidak harus sama persis. Porsi dihitung dari pegawai yang
# dinilai; kelompok yang jumlahnya disembunyikan di laporan kota juga tidak tampil di sini.

# %% [markdown]
# ## Keterbatasan
#
# Gabungan antarkota hanya sebaik laporan setiap kota: bila asumsi tren sejajar tidak berlaku di suatu kota,
# angka kota itu ikut masuk ke gabungan; karena itu kota yang kesimpulannya rapuh disebut namanya. Dengan
# sedikit kota, tau dan I² sangat tidak pasti, dan selang prediksi menjadi lebar atau tidak dapat dihitung.

# %%
if results_path:
    results_json.write_results(results_path, {"cities": sorted(results), "lang": lang, "demo": demo})
    if tables.write_workbook(results_path.replace(".results.json", ".xlsx"), lang):
        say("[Unduh semua tabel laporan ini (XLSX)]({file})", lang, file="cross_city.xlsx")
    if pdf.chromium():  # the runner prints the page beside it
        say("[Unduh versi cetak laporan ini (PDF)]({file})", lang, file="cross_city.pdf")

# %% [markdown]
# ## Asal-usul laporan
#
# Berkas data dan sidik SHA-256-nya, parameter, versi perangkat lunak dan waktu jalan.
#
# *Laporan ini dibuat dari notebook `notebooks/cross_city.ipynb` dan hanya membaca `results.json` setiap kota
# (laporan kota harus dibuat lebih dulu). Tabel dan gabungan antarkota dihitung di
# `analysis.report.cross_city` dan `analysis.methods.pooling`.*

# %%
files = {
    str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
    for p in sorted(root.glob("*/*.results.json"))
}
show_table(
    provenance.provenance(files, {"reports_dir": reports_dir, "lang": lang}, started), lang, download=False
)
