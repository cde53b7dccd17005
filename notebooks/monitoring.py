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
months = 24
min_visits = 10
outage_share = 0.3
lang = "id"
results_path = ""

# %%
import time

import pandas as pd

from analysis import config
from analysis.data import load
from analysis.methods import monitoring, xmr
from analysis.report import monitoring as monitoring_report
from analysis.report import parameters, pdf, plots, provenance, results_json, tables
from analysis.report.i18n import bullets, city_name, msg, percent, say, show
from analysis.report.tables import show_table

parameters.check("monitoring", globals())  # a refused value stops here, naming the allowed ones
tables.start_page()  # this page's tables, for its workbook
started = time.perf_counter()
directory = config.resolve(data_dir)
data = load.load_city(directory)
mon = monitoring.monitor_city(data, months=months, min_visits=min_visits, outage_share=outage_share)
demo = (directory / "truth.json").exists()
attention = mon.attention()

# %%
say("# Pemantauan layanan: {city}", lang, city=city_name(data.city))
if demo:
    show("report.demo_banner", lang, city=city_name(data.city))
show("decision.heading", lang)  # the decision first: how many units need what, and where to go
bullets(monitoring_report.decision_summary(mon, lang))

# %% [markdown]
# ## Pertanyaan
#
# Setiap bulan perencana dan kepala perangkat daerah perlu tahu: **unit layanan mana yang tidak memenuhi
# standar, mana yang memburuk, dan apa yang paling dikeluhkan warga?** Laporan ini menjawabnya untuk setiap
# unit yang punya log antrean atau survei kepuasan, dimulai dengan daftar unit yang perlu perhatian beserta
# tindak lanjut yang disarankan.

# %%
say("## Unit yang perlu perhatian", lang)
if len(attention):
    show_table(monitoring_report.attention_table(mon, lang), lang)

# %%
if len(mon.units):
    say("## Menurut perangkat daerah", lang)
    show_table(monitoring_report.agency_table(mon), lang)

# %%
queue_reasons = set(monitoring.QUEUE_REASONS)
charts = {
    r.unit_id: mon.charts[r.unit_id].wait
    for r in attention.itertuples()
    if queue_reasons & set(r.reasons) and r.unit_id in mon.charts and mon.charts[r.unit_id].wait
}
if charts:
    say("## Waktu tunggu unit yang perlu perhatian karena antreannya", lang)
    month_axis = pd.Series(pd.date_range(end=mon.last_month, periods=months, freq="MS"))
    units = mon.units.set_index("unit_id")
    names = units["unit_name"].fillna(units.index.to_series()).to_dict()
    plots.xmr_grid(charts, month_axis, names, lang=lang, standard=units["standard_minutes"].to_dict())

# %% [markdown]
# ## Data
#
# **Log antrean**: setiap kunjungan dengan waktu datang, waktu dilayani dan waktu selesai. Warga yang pergi
# sebelum dilayani tidak punya waktu dilayani; laporan ini tidak membuang mereka, karena median yang hanya
# menghitung warga yang dilayani tampak makin baik justru ketika makin banyak warga menyerah. **Survei
# kepuasan** (PermenPAN-RB 14/2017): nilai setiap unsur layanan dan IKM per unit. Laporan ini hanya menampilkan
# unit, tidak pernah pegawai.
#
# ## Metode
#
# **Ukuran yang menghitung setiap warga.** Median waktu tunggu dihitung atas semua pengunjung, dengan warga
# yang pergi sebelum dilayani dihitung sebagai penantian terpanjang; di sampingnya porsi warga yang pergi
# sebelum dilayani, dan porsi semua pengunjung yang dilayani dalam batas standar jenis unitnya. Bulan dengan
# kunjungan terlalu sedikit, atau jauh di bawah bulan biasa unit itu (sistem antrean mati), dianggap tidak ada
# datanya, bukan dibaca sebagai bulan yang sepi.
#
# **Grafik kendali XmR** (NHS England, *Making Data Count*). Garis tengah adalah rata-rata; batas proses
# dihitung dari rata-rata selisih antarbulan. Sebuah bulan disebut *sebab khusus* bila berada di luar batas,
# menjadi bagian dari tren naik atau turun, bagian dari deretan bulan di satu sisi garis tengah, atau dua dari
# tiga bulan yang mendekati batas. Hanya tanda pada bulan terakhir yang membuat unit masuk daftar, sehingga unit
# yang stabil jarang masuk karena kebetulan. Karena satu bulan terakhir yang kebetulan baik dapat menyembunyikan
# kemunduran yang bertahap, rata-rata beberapa bulan terakhir juga dibandingkan dengan batas yang dihitung dari
# bulan-bulan sebelumnya (aturan proyek ini, bukan aturan NHS; alarm palsunya diukur dalam pengujian). Bila
# standar waktu tunggu berada di luar batas proses pada sisi yang buruk, unit itu akan terus melewati standar
# sampai prosesnya diubah.
#
# Porsi warga yang pergi sebelum dilayani memakai **grafik p**: batasnya dihitung dari jumlah kunjungan setiap
# bulan, karena kejadian yang jarang di antara beberapa puluh kunjungan membuat batas XmR terlalu sempit dan
# memunculkan alarm palsu.
#
# **Survei.** IKM dan nilai setiap unsur dihitung atas jawaban beberapa triwulan terakhir. Unit masuk daftar hanya
# bila selang kepercayaannya pun berada di bawah batas mutu Baik (IKM) atau di bawah batas mutu C (unsur),
# supaya sampel kecil tidak menimbulkan alarm palsu. Unsur yang baru jatuh pada triwulan terakhir juga dicari,
# dengan selang yang dilebarkan karena sembilan unsur diuji sekaligus.

# %%
say(
    "Aturan sebab khusus yang dipakai: di luar batas proses (rata-rata ± {limit} kali rata-rata selisih "
    "antarbulan), tren {trend} bulan, {shift} bulan berturut-turut di satu sisi garis tengah, dan dua dari tiga "
    "bulan melewati dua pertiga jarak ke batas; ditambah rata-rata {recent} bulan terakhir yang lebih dari tiga "
    "simpangan baku rata-rata di atas bulan-bulan sebelumnya. Grafik dibuat bila unit punya paling sedikit "
    "{min_points} bulan dengan data; bulan dengan kurang dari {min_visits} kunjungan atau kurang dari {outage} "
    "kunjungan bulan biasanya dianggap tanpa data. Survei: jawaban {quarters} triwulan terakhir, dan triwulan "
    "terakhir sendiri untuk unsur yang baru jatuh (paling sedikit {answers} jawaban).",
    lang,
    limit=xmr.LIMIT,
    trend=xmr.TREND,
    shift=xmr.SHIFT,
    recent=monitoring.RECENT_MEAN,
    min_points=monitoring.MIN_POINTS,
    min_visits=min_visits,
    outage=percent(outage_share, lang),
    quarters=monitoring.UNSUR_QUARTERS,
    answers=monitoring.LATEST_MIN_ANSWERS,
)

# %%
answers = monitoring_report.answers_table(mon, lang)
if len(answers):
    say("## Jawaban warga per unsur layanan", lang)
    say(
        "Seluruh kota, {quarters} triwulan terakhir; unsur terlemah di atas. PermenPAN-RB 14/2017 meminta setiap "
        "unit menyusun rencana tindak lanjut untuk unsur terlemahnya (kolom terakhir tabel semua unit).",
        lang,
        quarters=monitoring.UNSUR_QUARTERS,
    )
    show_table(answers, lang)

# %%
quarters = monitoring_report.ikm_quarter_table(mon, lang)
if len(quarters):
    say("## IKM per triwulan", lang)
    adequacy = monitoring_report.ikm_adequacy(mon)
    say(
        "IKM dan mutunya per unit dan triwulan. Tanda * berarti respondennya kurang dari sampel minimum "
        "Krejcie-Morgan untuk jumlah kunjungan triwulan itu: {adequate} dari {sized} unit-triwulan mencapai "
        "minimum. Karena itu IKM beberapa triwulan digabung dengan bobot jumlah responden sebelum unit dinilai.",
        lang,
        adequate=adequacy["adequate"],
        sized=adequacy["sized"],
    )
    show_table(
        quarters,
        lang,
        folded=msg("monitoring.fold.ikm", lang, n=len(quarters)),
    )

# %%
table = monitoring_report.unit_table(mon, lang)
if len(table):
    say("## Semua unit", lang)
    show_table(table, lang, folded=msg("monitoring.fold.units", lang, n=len(table)))

# %%
every = {u: c.wait for u, c in sorted(mon.charts.items()) if c.wait is not None}
if every:
    say("## Waktu tunggu semua unit menurut perangkat daerah", lang)
    say(
        "Grafik kendali setiap unit yang punya log antrean, {first} s.d. {last}, dikelompokkan per perangkat "
        "daerah; buka satu kelompok untuk melihatnya. Garis abu-abu: median waktu tunggu per bulan; hitam: "
        "rata-ratanya; putus-putus: batas proses; titik-titik merah: standar; titik oranye: sebab khusus yang "
        "mengkhawatirkan, biru: perbaikan. Setiap grafik memakai skalanya sendiri, tertulis di kanan atasnya.",
        lang,
        first=f"{mon.last_month - pd.DateOffset(months=months - 1):%Y-%m}",
        last=f"{mon.last_month:%Y-%m}",
    )
    units = mon.units.set_index("unit_id")
    names = units["unit_name"].fillna(units.index.to_series()).to_dict()
    listed = set(attention["unit_id"])
    for agency, members in units.loc[list(every)].groupby("agency", sort=True):
        fig = plots.xmr_sparklines(
            {u: every[u] for u in members.index},
            names,
            lang=lang,
            standard=units["standard_minutes"].to_dict(),
        )
        plots.folded_figure(
            fig,
            msg(
                "monitoring.fold.agency",
                lang,
                agency=agency,
                n=len(members),
                k=len(listed & set(members.index)),
            ),
            msg("plot.xmr_sparklines", lang, agency=agency, n=len(members)),
        )

# %% [markdown]
# ## Keterbatasan
#
# - Menghitung warga yang pergi sebelum dilayani sebagai penantian terpanjang mengandaikan mereka pergi karena
#   antrean lama; bila mereka pergi karena alasan lain, median atas semua pengunjung sedikit melebih-lebihkan
#   lama menunggu. Porsi yang pergi ditampilkan di samping agar pembaca dapat menilainya.
# - Grafik kendali menunjukkan perubahan, bukan penyebabnya. Unit yang masuk daftar perlu dikunjungi dan
#   ditanya, bukan langsung dinilai.
# - Batas proses mengandaikan bulan-bulan berubah secara acak di sekitar tingkat yang tetap. Unit yang
#   pelan-pelan bergeser, atau yang ramai pada musim tertentu (Ramadan, libur sekolah), lebih sering memberi
#   tanda yang bukan kemunduran.
# - Survei dengan responden lebih sedikit dari minimum Krejcie-Morgan memberi IKM yang kurang pasti; selang
#   kepercayaannya lebar, dan karena itu unit jarang masuk daftar hanya karena survei.

# %%
if results_path:
    results_json.write_results(results_path, monitoring_report.results(mon, demo=demo, lang=lang))
    if tables.write_workbook(results_path.replace(".results.json", ".xlsx"), lang):
        say("[Unduh semua tabel laporan ini (XLSX)]({file})", lang, file="monitoring.xlsx")
    if pdf.chromium():  # the runner prints the page beside it
        say("[Unduh versi cetak laporan ini (PDF)]({file})", lang, file="monitoring.pdf")

# %% [markdown]
# ## Asal-usul laporan
#
# Berkas data dan sidik SHA-256-nya, parameter, versi perangkat lunak dan waktu jalan.
#
# *Laporan ini dibuat dari notebook `notebooks/monitoring.ipynb`. Perhitungan ada di
# `analysis.methods.monitoring`, `analysis.methods.panels` dan `analysis.methods.xmr`; kalimat dan tabel di
# `analysis.report.monitoring`.*

# %%
params = {
    "city": city,
    "data_dir": data_dir,
    "months": months,
    "min_visits": min_visits,
    "outage_share": outage_share,
    "lang": lang,
}
show_table(provenance.provenance(data.files, params, started), lang, download=False)
