"""The report's words in Bahasa Indonesia, the source language (planners read it): table headers, labels of
coded values, axis labels and the sentences that the report modules build from results.

Each entry is ``key: Indonesian text``; the key says where it is used (``col.<column>``, ``outcome.<name>``,
``verdict.<code>``...) and is the gettext context (msgctxt) of the English translation in
``locale/en/LC_MESSAGES/asn_kinerja.po``. The narrative of a report is not here: it is Indonesian markdown in
its notebook. Change a text here, run ``make i18n``: the English entry becomes *fuzzy* and a test fails until
it is translated again.
"""

TEXT: dict[str, str] = {
    # ------------------------------------------------------------------ programme effects notebook
    "caveat.pretrend": (
        "**{outcome}**: sebelum program, unit yang ikut dan pembandingnya sudah bergerak berbeda; perkiraan "
        "bisa tercampur tren yang sudah berbeda sebelum program."
    ),
    "caveat.covariates": (
        "{outcome}: tren sejajar hanya diandaikan di antara unit yang serupa dalam {covariates} (diukur "
        "sebelum gelombang pertama mulai); {n} unit tanpa nilai itu tidak termasuk."
    ),
    "covariate.unit_size": "ukuran unit (kunjungan)",
    "caveat.estimator.unbalanced": (
        "{outcome}: kesimpulan bertumpu pada estimator {estimator}, karena sebagian unit tidak punya data "
        "pada sebagian bulan. Estimator ini membandingkan setiap unit dengan bulan-bulannya sendiri sebelum "
        "program, sehingga bulan yang hilang tidak mengubah kelompok pembanding; Callaway-Sant'Anna "
        "ditampilkan di uji ketahanan."
    ),
    "caveat.estimator.balanced": "{outcome}: kesimpulan bertumpu pada estimator {estimator} (panel lengkap).",
    "caveat.estimator.chosen": "{outcome}: kesimpulan bertumpu pada estimator {estimator}, sesuai parameter `estimator`.",
    "caveat.anticipation": (
        "{outcome}: dampak dianggap dapat mulai {n} periode ({per}) sebelum tanggal mulai resmi (parameter "
        "`anticipation`); periode itu tidak dipakai sebagai pembanding."
    ),
    "caveat.selection": (
        "Unit yang lebih dulu ikut sudah lebih baik sebelum program (waktu tunggu awal {early:.1f} vs "
        "{never:.1f} menit). Metode ini membandingkan perubahan, bukan tingkat, sehingga selisih awal itu "
        "tidak dihitung sebagai dampak."
    ),
    "caveat.unbalanced": "{outcome}: {text}",
    # What the DiD estimator did to a panel (methods.did.DidResult.notes) and why it could not run (DidInputError)
    "did.missing_dropped": "{n} unit-periode tanpa nilai tidak diikutkan",
    "did.always_treated": (
        "{n} unit sudah ikut program sejak periode pertama, jadi tidak punya periode sebelum program, dan "
        "tidak diikutkan"
    ),
    "did.late": "{n} unit baru mulai setelah periode terakhir dan dihitung sebagai belum ikut",
    "did.single_unit": (
        "gelombang {cohorts} hanya berisi satu unit: ATT(g,t)-nya bertumpu pada satu unit dan galat bakunya "
        "tidak dapat diandalkan"
    ),
    "did.unbalanced": (
        "panel tidak seimbang ({n} unit tidak punya data pada sebagian periode): diestimasi dengan "
        "estimator untuk panel tidak seimbang, galat baku diklaster per unit"
    ),
    "did.na_cells": "{n} sel ATT(g,t) tidak punya unit pembanding dan tidak diikutkan dalam agregasi",
    "did.library": "catatan dari estimator: {text}",
    "did.no_treated": "tidak ada unit yang ikut program dalam periode data",
    "did.no_comparison": (
        "semua unit ikut program pada waktu yang sama dan tidak ada yang belum pernah ikut: tidak ada "
        "kelompok pembanding"
    ),
    "did.no_never_treated": "tidak ada unit yang belum pernah ikut program",
    "did.few_doses": "jam pelatihan diketahui untuk terlalu sedikit unit untuk dibagi menjadi kelompok",
    "did.estimator_failed": "estimator tidak dapat berjalan pada data ini",
    "caveat.dose": (
        "Perbandingan menurut jam pelatihan bersifat deskriptif: unit memilih berapa banyak pelatihan, jadi "
        "perbedaan antarkelompok belum tentu akibat pelatihan."
    ),
    "caveat.sector": "Sektor dengan kurang dari {min_units} unit tidak diestimasi.",
    "col.test": "Uji",
    "col.statistic": "Statistik F",
    "col.df": "df",
    "col.p": "p",
    "test.trend": "{outcome}: pergeseran per gelombang sebelum program",
    "test.window": "{outcome}: {window} periode sebelum periode acuan",
    # ------------------------------------------------------------------ competency notebook
    "training_needs.required_reference": (
        "Level yang dipersyaratkan diambil dari standar per kelas jabatan "
        "(data/reference/required_levels.csv)."
    ),
    "training_needs.required_recorded": (
        "Level yang dipersyaratkan diambil dari kolom level_required yang dicatat instansi pada setiap "
        "asesmen (parameter required_source = recorded), bukan dari tabel standar."
    ),
    "training_needs.required_differ": (
        "**Perhatian:** pada {records} catatan asesmen, level_required yang dicatat berbeda dari standar "
        "kelas jabatan ({pairs} kombinasi kelas jabatan x kompetensi, tabel di bawah). Laporan ini memakai "
        "{source}. Untuk memakai standar instansi sendiri, setel `required_source: recorded` di "
        "notebooks/params/<kota>.yaml."
    ),
    "training_needs.source.reference": "tabel standar",
    "training_needs.source.recorded": "level yang dicatat instansi",
    "training_needs.stable": (
        "**{k} kelompok; setiap kelompok muncul kembali bila data diambil ulang** ({bands})."
    ),
    "training_needs.unstable": (
        "**{k} kelompok; tidak semuanya muncul kembali bila data diambil ulang** ({bands}). Kelompok "
        "berlabel *pola* menunjukkan pola kekurangan yang nyata tetapi keanggotaannya belum pasti; kelompok "
        "*tidak dapat dipercaya* jangan dipakai untuk keputusan."
    ),
    "training_needs.unassessed": "**{k} kelompok**; stabilitasnya tidak dinilai (n_boot = 0): anggap hanya sebagai gambaran.",
    "training_needs.no_structure": (
        "**Tidak ada struktur kelompok:** statistik gap lebih memilih satu kelompok, jadi tidak ada "
        "kelompok pegawai yang dilaporkan. Rencanakan pelatihan per kompetensi."
    ),
    "training_needs.suppressed": (
        "_{n} sel dengan kurang dari {min_cell} pegawai disembunyikan ('<{min_cell}'); '…': JP, biaya atau "
        "porsi pegawai yang jumlahnya disembunyikan._"
    ),
    "training_needs.suppressed_both": (
        "_{n} sel dengan kurang dari {min_cell} pegawai disembunyikan ('<{min_cell}'), dan {m} sel lain "
        "('x') agar sel tersebut tidak dapat dihitung dari angka lain di halaman ini; '…': JP, biaya atau "
        "porsi pegawai yang jumlahnya disembunyikan._"
    ),
    "training_needs.disclosure": (
        "_Perlindungan data pribadi: setiap jumlah di bawah {min_cell} pegawai disembunyikan, beserta sel "
        "pelengkap yang dipilih dan diaudit dengan pemrograman linear sehingga tidak ada angka tersembunyi "
        "yang dapat dihitung ulang dari tabel, kalimat, atau results.json halaman ini (aturan ambang dengan "
        "penyembunyian sekunder; Hundepool dkk. 2012). {primary} sel disembunyikan karena kecil, "
        "{complementary} sel pelengkap._"
    ),
    "axis.k": "Jumlah kelompok k",
    "axis.gap": "Statistik gap (± 1 SE)",
    "axis.silhouette": "Silhouette (informasi)",
    "axis.competency": "Kompetensi",
    "axis.group": "Kelompok",
    "axis.shortfall": "Rata-rata kekurangan (level)",
    "plot.selection": "Memilih k (n = {n} pegawai; terpilih k = {k})",
    "plot.profiles": "Kekurangan rata-rata per kelompok (n = {n} pegawai)",
    "plot.hidden_groups": "{n} kelompok disembunyikan (kurang dari {min_cell} pegawai, atau untuk melindunginya)",
    "plot.shortfall": "Kekurangan rata-rata per kompetensi (n = {n} pegawai)",
    # ------------------------------------------------------------------ index page and shared report parts
    "report.demo_banner": (
        "> **Data demo sintetis.** Angka di laporan ini berasal dari data buatan dengan dampak yang "
        "diketahui; bukan data nyata {city}."
    ),
    "index.title": "Evaluasi program pengembangan kinerja ASN",
    "index.search": "Cari kota atau kabupaten",
    "index.province_unknown": "Provinsi belum tercatat",
    "index.demo": (
        "DATA DEMO: semua angka berasal dari data sintetis dengan dampak yang diketahui, bukan data nyata "
        "kota."
    ),
    "index.ikm_now": "IKM kota {year}",
    "index.groups": "Kelompok pegawai menurut kebutuhan",
    "index.not_stable": "belum stabil",
    "index.largest_need": "Kebutuhan pelatihan terbesar",
    "index.staff": "pegawai",
    "index.link.programme_effects": "Dampak program",
    "index.link.training_needs": "Kebutuhan kompetensi",
    "index.link.cross_city": "Perbandingan antarkota",
    "index.link.monitoring": "Pemantauan layanan",
    "index.attention": "Unit layanan yang perlu perhatian",
    "index.footer": (
        "Dibuat {generated} oleh asn-kinerja. Hanya angka agregat; sel dengan kurang dari {min_cell} pegawai "
        "disembunyikan."
    ),
    # ------------------------------------------------------------------ monitoring report (report.monitoring)
    "monitoring.summary": (
        "**{n} unit perlu perhatian** (data sampai {month}; {monitored} unit dipantau dengan log antrean, "
        "{surveyed} dengan survei): {details}."
    ),
    "monitoring.none": "tidak ada unit yang menunjukkan tanda masalah",
    "monitoring.count.misses_standard": "{n} akan terus melewati standar waktu tunggu",
    "monitoring.count.wait_getting_worse": "{n} waktu tunggunya memburuk",
    "monitoring.count.walkouts_rising": "{n} makin banyak warga pergi sebelum dilayani",
    "monitoring.count.ikm_low": "{n} IKM-nya di bawah Baik",
    "monitoring.count.unsur_low": "{n} punya unsur layanan bermutu D",
    "monitoring.reason.misses_standard": "waktu tunggu akan terus melewati standar",
    "monitoring.reason.wait_getting_worse": "waktu tunggu memburuk (sebab khusus)",
    "monitoring.reason.walkouts_rising": "makin banyak warga pergi sebelum dilayani",
    "monitoring.reason.ikm_low": "IKM {quarters} triwulan terakhir di bawah Baik",
    "monitoring.reason.unsur_low": "unsur {unsur} bermutu D",
    "method.control.not_yet_treated": (
        "Pembanding dalam laporan ini: unit yang pada bulan itu belum ikut program, termasuk unit yang baru ikut "
        "kemudian."
    ),
    "method.control.never_treated": (
        "Pembanding dalam laporan ini: hanya unit yang tidak pernah ikut program; unit yang ikut belakangan tidak "
        "dipakai sebagai pembanding."
    ),
    "method.cluster.unit_id": "Galat baku berkelompok per unit layanan.",
    "method.cluster.agency": "Galat baku berkelompok per perangkat daerah.",
    "method.cluster.kecamatan": "Galat baku berkelompok per kecamatan.",
    "method.cluster.unit_type": "Galat baku berkelompok per jenis unit.",
    "method.cluster.sector": "Galat baku berkelompok per sektor.",
    "needs.decision.plan": (
        "Dari {assessed} pegawai yang dinilai, **{people} perlu pelatihan** untuk menutup kekurangan "
        "kompetensinya: {enrolments} penempatan, biaya **{cost}**."
    ),
    "needs.decision.jp": "{share:.0%} pegawai memenuhi hak pengembangan {jp} JP pada {year}.",
    "needs.next_year.line": (
        "**{group}** pada {year} ({staff} pegawai): pada {next_year}, {better:.0%} kelas kinerjanya lebih baik "
        "dan {worse:.0%} lebih buruk; dari kelas kinerja yang sama saja diharapkan {expected_better:.0%} dan "
        "{expected_worse:.0%}."
    ),
    "needs.next_year.caveat": (
        "Data tidak mencatat siapa yang dibina atau diberi penghargaan, jadi selisih terhadap yang diharapkan "
        "bukan dampak. Sebagian besar perubahan adalah kembali ke rata-rata: tahun yang buruk atau sangat baik "
        "jarang berulang, dibina atau tidak."
    ),
    "talent.group.coaching": "Kotak pembinaan ({boxes})",
    "talent.group.recognition": "Kotak talenta ({boxes})",
    "needs.no_programme": (
        "{people} pegawai kurang pada kompetensi yang belum punya program di katalog pelatihan ({names}); "
        "rencana dan biayanya tidak menghitung mereka. Tambahkan programnya ke "
        "`data/reference/training_catalogue.csv` agar direncanakan."
    ),
    "needs.performance.line": (
        "**{rating}**: {verdict} ({estimate:+.2f} level; {ci}); perbandingan sebelum-sesudah saja akan "
        "menunjukkan {naive:+.2f} level."
    ),
    "needs.performance.dip": (
        "Pada tahun sebelum pelatihan pertamanya, hasil kerja pegawai yang kemudian dilatih {dip:+.2f} level "
        "dibanding pembanding: mereka dikirim sesudah tahun yang buruk, dan sebagian kenaikan sesudahnya "
        "hanyalah pemulihan yang akan terjadi juga tanpa pelatihan."
    ),
    "needs.performance.records_gap": (
        "Catatan pelatihan dimulai {trainings_from}, SKP {skp_from}. Pegawai yang dilatih pada {skp_from}-"
        "{last_unrecorded} tanpa catatan terhitung belum dilatih atau baru dilatih belakangan; bila ada, dampak "
        "di atas lebih kecil dari yang sebenarnya dan uji pra-tren biasanya menandainya *rapuh*. Lengkapi catatan "
        "pelatihan sejak {skp_from} bila tersedia."
    ),
    "needs.decision.learning": (
        "Pelatihan yang terbukti menaikkan level kompetensi yang dilatih: **{worked}**; tanpa dampak yang "
        "terdeteksi: **{nothing}** (jangan diperluas sebelum dikaji)."
    ),
    "needs.decision.confirm": (
        "Dari biaya itu, **{cost}** ({enrolments} penempatan) adalah kekurangan satu level yang perlu "
        "dikonfirmasi dulu dengan asesmen ulang atau belajar di tempat kerja sebelum kursus."
    ),
    "needs.decision.action": (
        "Tindakan: mulai dengan kebutuhan terbesar, **{name}**, untuk {n} pegawai ({cost})."
    ),
    "index.opd": "Menurut perangkat daerah ({n} OPD)",
    "opd.back": "kembali ke daftar kota",
    "opd.index_title": "Perangkat daerah {city}",
    "opd.heading.attention": "Unit layanan yang perlu perhatian",
    "opd.attention": "{k} dari {n} unit layanan perlu perhatian",
    "opd.heading.staff": "Pegawai menurut kelompok kebutuhan kompetensi",
    "opd.heading.plan": "Rencana pelatihan",
    "opd.plan_total": "Biaya rencana pelatihan perangkat daerah ini: {cost}.",
    "opd.heading.jp": "Hak pengembangan 20 JP",
    "opd.heading.city": "Dampak program di seluruh kota",
    "index.failed": "{report}: gagal dibuat ({error}); tidak ada angka yang ditampilkan.",
    "index.stale": (
        "{report}: data kota berubah ({changed}) setelah laporan dibuat ({ran}); angkanya disembunyikan sampai "
        "laporan dibuat ulang (asn-kinerja report)."
    ),
    "report.contents": "Daftar isi",
    "table.download_csv": "Unduh tabel ini (CSV)",
    "table.untitled": "Tabel {n}",
    "table.all_rows": "Semua {n} baris (buka)",
    "decision.heading": "## Ringkasan untuk pengambil keputusan",
    "decision.outcome.median_wait_minutes": "Waktu tunggu",
    "decision.outcome.ikm": "Kepuasan masyarakat (IKM)",
    "decision.decrease_base": (
        "{outcome} **turun {size:.1f} {unit}** karena program, sekitar {share:.0%} dari {base:.0f} {unit} yang "
        "akan terjadi tanpa program. Hasil ini meyakinkan: selang {level}% {low:.1f} s.d. {high:.1f} dan semua "
        "uji lolos."
    ),
    "decision.increase_base": (
        "{outcome} **naik {size:.1f} {unit}** karena program, sekitar {share:.0%} di atas {base:.0f} {unit} yang "
        "akan terjadi tanpa program. Hasil ini meyakinkan: selang {level}% {low:.1f} s.d. {high:.1f} dan semua "
        "uji lolos."
    ),
    "decision.decrease": (
        "{outcome} **turun {size:.1f} {unit}** karena program. Hasil ini meyakinkan: selang {level}% {low:.1f} "
        "s.d. {high:.1f} dan semua uji lolos."
    ),
    "decision.increase": (
        "{outcome} **naik {size:.1f} {unit}** karena program. Hasil ini meyakinkan: selang {level}% {low:.1f} "
        "s.d. {high:.1f} dan semua uji lolos."
    ),
    "decision.fragile_up": (
        "{outcome} tampak naik {size:.1f} {unit}, tetapi **belum dapat dipastikan**: kenaikan itu bisa berasal "
        "dari perbedaan yang sudah ada sebelum program."
    ),
    "decision.fragile_down": (
        "{outcome} tampak turun {size:.1f} {unit}, tetapi **belum dapat dipastikan**: penurunan itu bisa "
        "berasal dari perbedaan yang sudah ada sebelum program."
    ),
    "decision.no_change": (
        "{outcome}: **tidak ada perubahan yang terdeteksi** (selang {level}% {low:.1f} s.d. {high:.1f} {unit})."
    ),
    "decision.too_little_data": "{outcome}: **data terlalu sedikit** untuk menilai dampak program.",
    "decision.cost": (
        "Biaya program {total} di {units} unit: sekitar **{value} per jam waktu tunggu yang dihemat warga** "
        "(selang {low} s.d. {high}), dihitung atas kunjungan yang tercatat."
    ),
    "decision.cost_unknown": (
        "Biaya program {total} di {units} unit; biaya per jam waktu tunggu yang dihemat belum dapat dihitung "
        "karena dampaknya pada waktu tunggu belum pasti."
    ),
    "decision.action.keep": (
        "Tindakan: teruskan program. Untuk membuktikan penurunan {target:.0%} waktu tunggu pada gelombang "
        "berikutnya, ikutkan sekitar {n} unit."
    ),
    "decision.action.check": (
        "Tindakan: jangan memperluas program berdasarkan angka ini saja; kaji dulu {checks} (lihat bagian untuk "
        "peneliti)."
    ),
    "decision.action.review": (
        "Tindakan: tinjau pelaksanaan program di unit-unit sebelum memperluasnya; datanya cukup untuk "
        "menyingkirkan dampak besar."
    ),
    "decision.action.more_data": "Tindakan: kumpulkan data lebih banyak (unit, bulan) sebelum menilai program.",
    "param.heading": "Parameter laporan {notebook} tidak dapat dipakai:",
    "param.choice": "{name} = {value} tidak dikenal; pilihannya: {choices}.",
    "param.list": "{name} harus berupa daftar berisi satu atau lebih dari: {choices} (tertulis {value}).",
    "param.int": "{name} harus bilangan bulat (tertulis {value}).",
    "param.float": "{name} harus berupa angka (tertulis {value}).",
    "param.between": "{name} = {value} harus antara {low} dan {high}.",
    "param.int_pair": (
        "{name} harus dua bilangan bulat [terkecil, terbesar] antara {low} dan {high} (tertulis {value})."
    ),
    "param.did_you_mean": "Maksud Anda {close}?",
    "monitoring.decision.worse": (
        "Tindakan: datangi dulu {n} unit yang memburuk dalam bulan-bulan terakhir ({units}); masalah yang sudah "
        "lama menunggu rencana tindak lanjut."
    ),
    "monitoring.decision.standing": (
        "Tindakan: tidak ada unit yang memburuk akhir-akhir ini; susun rencana tindak lanjut untuk {n} unit "
        "dalam daftar."
    ),
    "monitoring.fold.ikm": "IKM per triwulan: {n} unit (buka)",
    "monitoring.fold.units": "Nilai terakhir {n} unit (buka)",
    "monitoring.fold.agency": "{agency}: {n} unit, {k} perlu perhatian (buka)",
    "monitoring.reason.unsur_low_latest": "unsur {unsur} jatuh ke mutu D pada triwulan terakhir",
    "monitoring.follow_up.misses_standard": (
        "Tinjau alur dan jumlah petugas loket: perubahan kecil tidak akan cukup untuk memenuhi standar."
    ),
    "monitoring.follow_up.wait_getting_worse": (
        "Cari tahu apa yang berubah sejak bulan itu (petugas, jam buka, sistem antrean) dan bina unit ini."
    ),
    "monitoring.follow_up.walkouts_rising": (
        "Periksa antrean pada jam sibuk dan apakah sistem antrean mencatat warga yang dilayani."
    ),
    "monitoring.follow_up.ikm_low": "Susun rencana tindak lanjut survei kepuasan bersama unit ini.",
    "monitoring.follow_up.unsur_low": "Masukkan unsur {unsur} ke rencana tindak lanjut survei kepuasan.",
    "monitoring.variation.common_cause": "biasa",
    "monitoring.variation.special_cause_concern": "memburuk",
    "monitoring.variation.special_cause_improvement": "membaik",
    "monitoring.variation.missing": "tidak ada data",
    "monitoring.assurance.consistent_pass": "selalu memenuhi",
    "monitoring.assurance.consistent_fail": "selalu melewati",
    "monitoring.assurance.inconsistent": "kadang memenuhi",
    "col.unit": "Unit",
    "col.what_is_wrong": "Masalah",
    "col.since": "Sejak",
    "col.follow_up": "Tindak lanjut yang disarankan",
    "col.units_monitored": "Unit dipantau",
    "col.attention": "Perlu perhatian",
    "col.attention_share": "Porsi perlu perhatian",
    "col.last_wait": "Median tunggu terakhir (menit, semua pengunjung)",
    "col.standard_minutes": "Standar (menit)",
    "col.variation": "Variasi",
    "col.assurance": "Terhadap standar",
    "col.walkout_rate": "Pergi sebelum dilayani",
    "col.ikm": "IKM ({unsur_quarters} triwulan terakhir)",
    "col.mutu": "Mutu",
    "col.weakest_unsur": "Unsur terlemah",
    "col.unsur_name": "Unsur",
    "col.score": "Nilai rata-rata (1-4)",
    "col.answer_1": "Tidak baik",
    "col.answer_2": "Kurang baik",
    "col.answer_3": "Baik",
    "col.answer_4": "Sangat baik",
    "col.answers": "Jawaban",
    "plot.xmr_grid": "Median waktu tunggu per bulan, unit yang perlu perhatian (n = {n} unit; garis = batas proses)",
    "axis.wait_all": "Menit (semua pengunjung)",
    "plot.xmr_sparklines": "Grafik kendali median waktu tunggu per bulan, {agency} (n = {n} unit)",
    # ------------------------------------------------------------------ cross-city notebook
    "cross_city.prediction": "Dampak di kota baru diperkirakan antara {low:.2f} dan {high:.2f} (selang prediksi {level}%).",
    "cross_city.no_prediction": "Selang prediksi untuk kota baru butuh paling sedikit {k} kota.",
    "cross_city.pooled_without": "Tanpa kota itu: **{estimate:.2f}** (selang {level}%: {low:.2f} s.d. {high:.2f}; {k} kota).",
    "cross_city.pooled_without_few": "Tanpa kota itu tersisa kurang dari 2 kota: tidak ada angka gabungan yang kokoh.",
    "cross_city.pooled_row": "Gabungan (efek acak)",
    "plot.cross_pooled": "{outcome}: {n} {per} pertama, per kota dan gabungan ({k} kota)",
    "per_n.month": "bulan",
    "per_n.quarter": "triwulan",
    "plot.cross_effects": "{outcome}: dampak per kota ({n} kota)",
    "plot.cross_province": "{outcome}: dampak gabungan per provinsi ({k} provinsi, {n} kab/kota)",
    "province.none": "(provinsi tidak tercatat)",
    "plot.cross_ikm": "IKM rata-rata unit per triwulan ({n} kota)",
    "plot.cross_groups": "Porsi pegawai per kelompok ({n} kota)",
    "axis.city": "Kota",
    "axis.share": "Porsi pegawai",
    # ------------------------------------------------------------------ what a city's data can produce (readiness)
    "ready.heading": "Bagian laporan yang akan dibuat dari data ini:",
    "ready.runs": "dibuat",
    "ready.skipped": "dilewati: {why}",
    "ready.report.programme_effects": "Laporan dampak program",
    "ready.report.training_needs": "Laporan kebutuhan pelatihan",
    "ready.section.report": "seluruh laporan",
    "ready.section.median_wait_minutes": "dampak pada waktu tunggu",
    "ready.section.ikm": "dampak pada IKM",
    "ready.section.dose": "menurut jam pelatihan",
    "ready.section.talent": "pandangan talenta (SKP, 9-box)",
    "ready.section.jp": "hak {jp_per_year} JP",
    "ready.no_visits": "tidak ada log kunjungan (service_visits)",
    "ready.empty_visits": "log kunjungan tidak berisi kunjungan dengan waktu datang",
    "ready.no_survey": "tidak ada survei kepuasan (satisfaction_responses)",
    "ready.empty_survey": "survei kepuasan tidak berisi jawaban",
    "ready.few_periods": (
        "data hanya mencakup {n} periode; perlu sedikitnya {min} (sebelum, saat, dan sesudah program dimulai)"
    ),
    "ready.no_start_inside": "tidak ada unit yang mulai ikut program di dalam periode data (dengan bulan sebelum mulai)",
    "ready.no_comparison": "semua unit mulai bersamaan dan tidak ada yang tidak ikut: tidak ada pembanding",
    "ready.no_rollout": "tidak ada tabel rollout (atau tidak ada tanggal mulai program): tidak ada program untuk dinilai",
    "ready.no_outcomes": "tidak ada log kunjungan maupun survei: tidak ada ukuran hasil",
    "ready.no_estimate": "laporan dibuat, tetapi tidak ada dampak yang dapat diperkirakan (lihat alasannya per ukuran)",
    "ready.no_trainings": "tidak ada tabel pelatihan (trainings)",
    "ready.no_assessments": "tidak ada tabel pegawai (staff) atau asesmen kompetensi (competency_assessments)",
    "ready.few_assessed": "hanya {n} pegawai yang diases; pengelompokan pegawai perlu sedikitnya {min}",
    "ready.no_performance": "tidak ada tabel kinerja (performance, SKP)",
    "ready.report_skipped": (
        "> **Laporan ini tidak dapat dibuat dari data ini:** {why}. Jalankan `asn-kinerja validate` untuk "
        "melihat apa yang diperlukan."
    ),
    "ready.outcome_skipped": "- **{outcome}:** tidak diperkirakan, {why}.",
    # ------------------------------------------------------------------ verdicts and table headers
    "verdict.decrease": "turun",
    "verdict.increase": "naik",
    "verdict.no_detectable_change": "tidak ada perubahan yang terdeteksi",
    "verdict.fragile": "rapuh: asumsi tidak terpenuhi",
    "verdict.too_little_data": "data terlalu sedikit untuk disimpulkan",
    "col.estimator": "Estimator",
    "col.detectable": "Daya deteksi uji",
    "estimator.callaway_santanna": "Callaway-Sant'Anna",
    "estimator.imputation": "imputasi (Borusyak-Jaravel-Spiess)",
    "unit.median_wait_minutes": "menit",
    "unit.p90_wait_minutes": "menit",
    "unit.median_processing_minutes": "menit",
    "unit.share_within_standard": "poin persen",
    "unit.ikm": "poin",
    "unit.median_wait_all_arrivals": "menit",
    "unit.median_wait_standardised": "menit",
    "unit.share_within_standard_all": "poin persen",
    "unit.walkout_rate": "poin persen",
    "per.month": "per bulan",
    "per.quarter": "per triwulan",
    # the decision in one sentence per outcome (report.programme_effects.verdict_sentences)
    "sentence.decrease": (
        "**{outcome}: turun {size:.2f} {unit}** karena program (selang {level}%: {low:.2f} s.d. "
        "{high:.2f}); semua uji asumsi lolos."
    ),
    "sentence.increase": (
        "**{outcome}: naik {size:.2f} {unit}** karena program (selang {level}%: {low:.2f} s.d. {high:.2f}); "
        "semua uji asumsi lolos."
    ),
    "sentence.fragile": (
        "**{outcome}: rapuh.** Perkiraan {estimate:.2f} {unit} (selang {level}%: {low:.2f} s.d. {high:.2f}) "
        "tidak nol, tetapi uji asumsi gagal ({checks}): perubahan itu bisa berasal dari perbedaan yang "
        "sudah ada sebelum program, bukan dari program. Jangan jadikan dasar keputusan tanpa kajian lebih "
        "lanjut."
    ),
    "sentence.no_detectable_change": (
        "**{outcome}: tidak ada perubahan yang terdeteksi** (perkiraan {estimate:.2f} {unit}, selang "
        "{level}%: {low:.2f} s.d. {high:.2f}). Data menyingkirkan penurunan lebih dari {down:.2f} {unit} "
        "dan kenaikan lebih dari {up:.2f} {unit}."
    ),
    "sentence.too_little_data": "**{outcome}: data terlalu sedikit untuk disimpulkan** ({reasons}).",
    "sentence.unidentified": (
        "{outcome}: tidak ada unit pembanding untuk gelombang {cohorts} dan untuk {periods} periode setelah "
        "program dimulai; bagian itu tidak termasuk dalam perkiraan."
    ),
    "sentence.without_pre": (
        "{outcome}: {n} unit yang ikut program tidak punya catatan sebelum tanggal mulainya, jadi tidak "
        "dapat dibandingkan dengan dirinya sendiri dan tidak termasuk; perkiraan berlaku untuk {rest} unit "
        "lainnya."
    ),
    "caveat.maybe_anticipation": (
        "{outcome}: selisih muncul tepat sebelum tanggal mulai. Bila pegawai sudah dilatih atau layanan "
        "sudah berubah sebelum tanggal mulai resmi, setel `anticipation` (bulan) di "
        "notebooks/params/<kota>.yaml."
    ),
    "reason.no_estimate": "tidak ada perbandingan yang dapat dihitung",
    "reason.few_treated": "hanya {treated} unit ikut program; dibutuhkan paling sedikit {min_treated}",
    "reason.imprecise": (
        "selangnya mencakup penurunan maupun kenaikan sebesar {meaningful:.2f} {unit}, perubahan terkecil "
        "yang berarti"
    ),
    "check_failed.trend": "gelombang sudah bergerak berbeda sebelum program",
    "check_failed.joint": "selisih pada bulan-bulan tepat sebelum program",
    "check_failed.placebo": "plasebo menemukan 'dampak' sebelum program",
    "check_failed.sensitivity": "perbedaan tren yang tidak lebih besar dari sebelum program sudah cukup untuk menjelaskannya",
    "sensitivity.holds": (
        "{outcome}: kesimpulan bertahan kecuali perbedaan tren setelah program bergeser lebih dari "
        "**{mbar:.2f} kali** pergeseran terbesar sebelum program."
    ),
    "sensitivity.fragile": (
        "{outcome}: perbedaan tren sebesar **{mbar:.2f} kali** pergeseran terbesar sebelum program sudah "
        "cukup untuk membatalkan kesimpulan; itu lebih kecil dari yang sudah terlihat sebelum program."
    ),
    "sensitivity.not_significant": (
        "{outcome}: dampak rata-rata periode awal tidak berbeda dari nol bahkan bila tren benar-benar "
        "sejajar (nilai patah 0)."
    ),
    "sensitivity.robust": (
        "{outcome}: kesimpulan bertahan bahkan bila perbedaan tren setelah program bergeser {mbar:g} kali "
        "pergeseran terbesar sebelum program."
    ),
    "sensitivity.too_few_pre_periods": "{outcome}: analisis kepekaan tidak dapat dihitung: tidak ada periode sebelum program.",
    "sensitivity.too_few_post_periods": "{outcome}: analisis kepekaan tidak dapat dihitung: terlalu sedikit periode setelah mulai.",
    "sensitivity.singular": "{outcome}: analisis kepekaan tidak dapat dihitung: kovarians singular (terlalu sedikit unit).",
    "sensitivity.left_out": (
        "{outcome}: {n} unit yang tidak punya catatan sebelum tanggal mulainya tidak termasuk dalam "
        "analisis kepekaan (seperti pada estimator imputasi)."
    ),
    "plot.sensitivity_title": "{outcome}: selang {level}% menurut M (n = {n} unit)",
    "plot.sensitivity_x": "M (kali pergeseran terbesar sebelum program)",
    "plot.sensitivity_y": "Dampak rata-rata awal ({unit})",
    "plot.sensitivity_breakdown": "nilai patah {mbar:.2f}",
    "plot.sensitivity_plain": "tanpa batasan (M = 0)",
    "pretest.detectable": "menangkap pergeseran {drift:.2f} {unit} {per} pada satu gelombang {power:.0%} kali",
    "pretest.pooled": "(gelombang dengan kurang dari {min_units} unit: satu pergeseran bersama diuji)",
    "pretest.ok": "",
    "pretest.no_pre_periods": "tidak dapat diuji: tidak ada periode sebelum program",
    "pretest.singular": "tidak dapat diuji: kovarians singular (terlalu sedikit unit per gelombang)",
    "pretest.too_few_clusters": "tidak dapat diuji: klaster lebih sedikit dari yang diuji",
    "col.outcome": "Ukuran",
    "col.estimate": "Dampak",
    "col.ci": "Selang {level}%",
    "col.percent": "Dampak (%)",
    "col.pretrend_p": "p pra-tren",
    "col.units": "Unit",
    "col.verdict": "Kesimpulan",
    "units.split": "{treated} ikut / {never} tidak",
    "col.check": "Uji",
    "outcome.median_wait_minutes": "Median waktu tunggu (menit)",
    "outcome.ikm": "IKM (poin, skala 25-100)",
    "outcome.share_within_standard": "Persen dilayani sesuai standar",
    "outcome.p90_wait_minutes": "Persentil 90 waktu tunggu (menit)",
    "outcome.median_processing_minutes": "Median waktu proses (menit)",
    "outcome.median_wait_all_arrivals": "Median waktu tunggu semua pengunjung (menit)",
    "outcome.median_wait_standardised": "Median waktu tunggu, bauran layanan tetap (menit)",
    "outcome.share_within_standard_all": "Persen semua pengunjung dilayani sesuai standar",
    "outcome.walkout_rate": "Persen warga pergi sebelum dilayani",
    # ------------------------------------------------------------------ headers of the other published tables
    "col.sector": "Sektor",
    "col.se": "Galat baku",
    "col.ci_low": "Batas bawah selang",
    "col.ci_high": "Batas atas selang",
    "col.n_units": "Unit",
    "col.note": "Catatan",
    "col.dose_group": "Kelompok dosis",
    "col.dose_range": "JP per pegawai: min - maks (rata-rata)",
    "col.n_treated_units": "Unit yang ikut",
    "col.city": "Kota",
    "col.province": "Provinsi",
    "col.cities": "Jumlah kab/kota",
    "col.decrease": "Kab/kota: turun",
    "col.increase": "Kab/kota: naik",
    "col.no_detectable_change": "Kab/kota: tanpa perubahan terdeteksi",
    "col.fragile_or_thin": "Kab/kota: rapuh atau data terlalu sedikit",
    "col.n_treated": "Unit yang ikut",
    "col.n_never": "Unit yang tidak pernah ikut",
    "col.group": "Kelompok",
    "col.group_name": "Kelompok",
    # staff groups named after what they are short on (report.i18n.group_name)
    "group.meets_standard": "memenuhi standar",
    "group.shortfall": "kurang: {competencies}",
    "group.mixed": "campuran, sebagian kurang: {competencies}",
    "group.shortfall_more": "kurang: {competencies} dan lainnya",
    "col.name": "Nama",
    "col.staff": "Pegawai",
    "col.people": "Pegawai",
    "col.share": "Porsi",
    "col.jaccard": "Jaccard bootstrap",
    "col.band": "Stabilitas",
    "col.loglik": "Log-likelihood",
    "col.parameters": "Parameter",
    "col.chosen": "Terpilih",
    "col.learning_effect": "Dampak pada level (level)",
    "col.naive": "Sebelum-sesudah saja (level)",
    "col.skp_rating": "Penilaian SKP",
    "col.skp_effect": "Dampak (level)",
    "col.dip": "Tahun sebelum pelatihan (level)",
    "col.skp_did_year_before": "DiD dari tahun tepat sebelum pelatihan (level)",
    "col.ci_year_before": "Selang 95% (dari tahun tepat sebelum)",
    "col.skp_trend": "Selang 95% bila tren sebelum penurunan berlanjut lurus (tahun ke-0 dan ke-1)",
    "skp.results_level": "Hasil kerja",
    "skp.figure_summary": "Grafik: penilaian SKP per tahun sejak pelatihan pertama (buka)",
    "skp.figure_alt": (
        "Beda level penilaian hasil kerja dan perilaku kerja antara pegawai yang dilatih dan pembanding, per tahun "
        "sejak pelatihan pertama, dengan selang 95%; tahun sebelum pelatihan diarsir"
    ),
    "skp.behaviour_level": "Perilaku kerja",
    "col.programme": "Program",
    "col.staff_trained": "Pegawai dilatih",
    "col.agency": "Perangkat daerah",
    "col.total": "Jumlah",
    "col.training_code": "Kode pelatihan",
    "col.competency": "Kompetensi",
    "col.mode": "Bentuk",
    "col.participants": "Peserta",
    "col.enrolments": "Penempatan pelatihan",
    "col.jp": "JP",
    "col.cost_idr": "Biaya (Rp)",
    "col.mean_jp": "Rata-rata JP",
    "col.meets_20_jp": "Pegawai >= {jp_per_year} JP",
    "col.share_20_jp": "Porsi >= {jp_per_year} JP",
    "col.recognition": "Untuk penghargaan (kotak {recognition_boxes})",
    "col.coaching": "Untuk coaching (kotak {coaching_boxes})",
    "col.position_class": "Kelas jabatan",
    "col.standard": "Level standar",
    "col.recorded": "Level yang dicatat",
    "col.what": "Jenis",
    "col.value": "Nilai",
    "band.highly_stable": "sangat stabil",
    "band.stable": "stabil",
    "band.pattern": "pola",
    "band.not_trusted": "tidak dapat dipercaya",
    "band.not_assessed": "tidak dinilai",
    "mode.classroom": "klasikal",
    "mode.e-learning": "e-learning",
    "mode.on-the-job": "di tempat kerja / magang",
    "mode.coaching": "coaching",
    "mode.mentoring": "mentoring",
    "what.data_file": "berkas data",
    "what.parameter": "parameter",
    "what.asn-kinerja": "asn-kinerja",
    "what.run": "eksekusi",
    "what.software": "perangkat lunak",
    "note.thin": "kurang dari {min_units} unit: terlalu sedikit untuk diestimasi",
    "note.failed": "tidak dapat diestimasi: {reason}",
    "check.imputation": "Imputasi (Borusyak-Jaravel-Spiess)",
    "check.callaway_santanna": "Callaway-Sant'Anna, pembanding {control}",
    "check.sun_abraham": "Sun-Abraham (pembanding: unit yang tidak pernah ikut)",
    "check.main_imputation": "Utama: {estimator} (pembanding: bulan-bulan tanpa program)",
    "check.main": "Utama: {estimator}, pembanding {control}",
    "check.other_control": "Pembanding {control}",
    "check.twfe": "TWFE biasa (pembanding; bias bila dampak bertahap)",
    "check.placebo": "Plasebo: tanggal mulai {shift} periode lebih awal (harus ~0)",
    "check.loo": "Tanpa gelombang {cohort}",
    "control.not_yet_treated": "unit yang belum ikut",
    "control.never_treated": "unit yang tidak pernah ikut",
    "sector.health": "Kesehatan (Puskesmas)",
    "sector.civil_registration": "Administrasi kependudukan",
    "sector.licensing": "Perizinan",
    "sector.kelurahan": "Kelurahan",
    "sector.education": "Pendidikan",
    "sector.administration": "Administrasi OPD",
    "plot.by_sector": "{outcome} menurut sektor (n = {n} unit)",
    # ------------------------------------------------------------------ plot labels
    "axis.month": "Bulan",
    "axis.quarter": "Triwulan",
    "axis.event_month": "Bulan sejak program dimulai",
    "axis.event_quarter": "Triwulan sejak program dimulai",
    "axis.effect": "Dampak pada {outcome}",
    "axis.units": "Jumlah unit",
    "axis.unit": "Unit layanan",
    "legend.never": "belum pernah ikut",
    "legend.wave": "gelombang {start}",
    "plot.timing": "Peluncuran program per gelombang (n = {n} unit)",
    "plot.trends": "{outcome}: rata-rata per gelombang (n = {n} unit)",
    "plot.pre_period": "Sebelum program: {outcome} (n = {n} unit)",
    "axis.vs_reference": "Selisih terhadap periode acuan ({unit})",
    "plot.joint_window": "jendela uji gabungan ({n} periode)",
    "plot.reference": "periode acuan (= 0)",
    "plot.event": "Dampak pada {outcome} (n = {n} unit)",
    "plot.skp_event": "Penilaian SKP sekitar pelatihan pertama, dibanding pegawai yang belum dilatih (n = {n} "
    "pegawai dilatih)",
    "axis.event_year": "Tahun sejak pelatihan pertama",
    "axis.skp_effect": "Beda level (1-3) dengan pembanding (tahun {ref} = 0)",
    "plot.ikm": "IKM per unit, {year} (n = {n} unit; garis = batas mutu)",
    "plot.forest": "{title}",
}
