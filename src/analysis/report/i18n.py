"""One message catalogue for report text in Bahasa Indonesia (``id``, the default: planners read it) and English.

Notebooks never hard-code prose that a reader sees: headings, narrative, axis labels and table headers come
from here, so one notebook serves both languages.
"""

from __future__ import annotations

import re
import string

from analysis.data.reference import competency_names

LANGS = ("id", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ programme effects notebook
    "effects.title": {
        "id": "# Dampak program pengembangan kinerja ASN: {city}",
        "en": "# Effects of the ASN performance development programme: {city}",
    },
    "effects.question": {
        "id": "**Pertanyaan.** Apakah program memperpendek waktu tunggu layanan dan menaikkan Indeks Kepuasan "
        "Masyarakat (IKM)? Berapa besar dampaknya, seberapa pasti, di sektor mana, dan apakah bertahan?",
        "en": "**Question.** Did the programme shorten waiting times and raise citizen satisfaction (IKM)? By how "
        "much, with what certainty, in which sectors, and does it last?",
    },
    "effects.demo_banner": {
        "id": "> **Data demo sintetis.** Angka di laporan ini berasal dari data buatan dengan dampak yang diketahui; "
        "bukan data nyata {city}.",
        "en": "> **Synthetic demo data.** The figures in this report come from made-up data with a known effect; "
        "they are not real data for {city}.",
    },
    "effects.data": {
        "id": "## Data dan peluncuran program\n{n_units} unit layanan, {n_months} bulan ({first} s.d. {last}), "
        "{n_visits:,} kunjungan tercatat; {n_treated} unit masuk program dalam {n_cohorts} gelombang, "
        "{n_never} unit belum pernah ikut (pembanding).",
        "en": "## Data and roll-out\n{n_units} service units, {n_months} months ({first} to {last}), {n_visits:,} "
        "recorded visits; {n_treated} units joined the programme in {n_cohorts} waves, {n_never} never did "
        "(comparison units).",
    },
    "effects.method": {
        "id": "## Metode\nUnit masuk program pada bulan yang berbeda dan unit yang lebih dulu ikut sudah lebih baik "
        "sejak awal, sehingga perbandingan sebelum-sesudah atau regresi dua arah (TWFE) bias. Kami memakai "
        "estimator *difference-in-differences* bertahap Callaway & Sant'Anna (2021): setiap gelombang "
        "dibandingkan dengan unit yang belum ikut pada bulan yang sama. Asumsi utama: tanpa program, "
        "kedua kelompok akan bergerak sejajar (*parallel trends*); uji pra-tren di bawah memeriksanya. Bila "
        "sebagian unit tidak punya data pada sebagian bulan, kesimpulan bertumpu pada estimator imputasi "
        "Borusyak, Jaravel & Spiess (2024), yang membandingkan setiap unit dengan bulan-bulannya sendiri.",
        "en": "## Method\nUnits joined in different months and early joiners were better to begin with, so a "
        "before/after comparison or a two-way fixed-effects regression (TWFE) is biased. We use the "
        "staggered difference-in-differences estimator of Callaway & Sant'Anna (2021): each wave is "
        "compared with units not yet in the programme in the same month. Key assumption: without the "
        "programme both groups would have moved in parallel (parallel trends); the pre-trend tests below "
        "check it. When some units miss some months, the verdict rests on the imputation estimator of "
        "Borusyak, Jaravel & Spiess (2024), which compares each unit with its own months.",
    },
    "effects.trends": {"id": "## Tren mentah per gelombang", "en": "## Raw trends by wave"},
    "effects.ikm_levels": {
        "id": "## Tingkat IKM per unit (tahun terakhir)",
        "en": "## IKM per unit (latest year)",
    },
    "effects.event": {
        "id": "## Dampak menurut bulan sejak program dimulai",
        "en": "## Effect by months since the programme started",
    },
    "effects.event_note": {
        "id": "Titik = dampak rata-rata; garis tipis = selang kepercayaan {level}% per titik; pita = selang "
        "simultan {level}% (bootstrap pengali, {n_boot} ulangan). Titik sebelum 0 seharusnya di sekitar nol.",
        "en": "Points = average effect; thin lines = pointwise {level}% confidence intervals; band = simultaneous "
        "{level}% band (multiplier bootstrap, {n_boot} draws). Points before 0 should sit around zero.",
    },
    "effects.headline": {"id": "## Temuan utama", "en": "## Headline effects"},
    "effects.decision": {"id": "## Kesimpulan", "en": "## Conclusion"},
    "effects.pretrend": {"id": "## Uji pra-tren", "en": "## Pre-trend test"},
    "effects.robustness": {"id": "## Uji ketahanan", "en": "## Robustness"},
    "effects.by_sector": {"id": "## Menurut sektor", "en": "## By sector"},
    "effects.dose": {
        "id": "## Menurut jam pelatihan (JP per pegawai)",
        "en": "## By training hours (JP per staff)",
    },
    "effects.planning": {"id": "## Perencanaan gelombang berikutnya", "en": "## Planning the next roll-out"},
    "effects.planning_text": {
        "id": "Disimulasikan dengan {draws} panel untuk setiap jumlah unit: estimator imputasi (dasar kesimpulan), "
        "jadwal peluncuran kota ini, bagian bulan yang tercatat ({observed:.0f}%) dan gangguannya, yang "
        "disetel agar galat baku simulasi pada {n_now} unit sama dengan galat baku temuan utama. Dengan "
        "{n_now} unit sekarang, dampak terkecil yang terdeteksi 80% kali adalah **{mde:.1f} menit**. Untuk "
        "mendeteksi penurunan {pct:.0f}% waktu tunggu ({minutes:.1f} menit) dengan kuasa 80% dibutuhkan "
        "sekitar **{n} unit** dengan jadwal yang sama (kuasa tersimulasi pada jumlah itu: {power:.0f}%). "
        "Kuasa diukur dengan uji yang dikoreksi agar menolak dampak nol yang benar 5% kali; dengan {n} unit, "
        "selang {level}% di laporan akan mengecualikan nol yang benar {size:.0f}% kali. Perkiraan awal dengan "
        "rumus tertutup (dua kelompok, 6 bulan sebelum dan sesudah): {first} unit.",
        "en": "Simulated with {draws} panels for each number of units: the imputation estimator (the verdict's), "
        "this city's roll-out calendar, its share of recorded months ({observed:.0f}%) and its noise, scaled "
        "so that the simulated standard error at {n_now} units equals the headline's. With today's {n_now} "
        "units the smallest effect detected 80% of the time is **{mde:.1f} minutes**. To detect a {pct:.0f}% "
        "reduction in waiting time ({minutes:.1f} minutes) with 80% power, about **{n} units** are needed on "
        "the same calendar (simulated power at that number: {power:.0f}%). Power is measured with a test "
        "corrected to reject a true zero 5% of the time; with {n} units the report's {level}% interval would "
        "exclude a true zero {size:.0f}% of the time. First guess from a closed-form formula (two groups, 6 "
        "months before and after): {first} units.",
    },
    "effects.planning_min_treated": {
        "id": "{n} unit adalah juga jumlah terkecil dengan {min_treated} unit ikut program; dengan lebih sedikit, "
        "laporan menyatakan *data terlalu sedikit*.",
        "en": "{n} units is also the smallest roll-out with {min_treated} units in the programme; with fewer, "
        "the report says *too little data*.",
    },
    "effects.planning_beyond": {
        "id": "Disimulasikan dengan {draws} panel untuk setiap jumlah unit: penurunan {pct:.0f}% waktu tunggu "
        "({minutes:.1f} menit) tidak terdeteksi dengan kuasa 80% bahkan dengan {max_units} unit pada jadwal "
        "ini. Dengan {n_now} unit sekarang, dampak terkecil yang terdeteksi 80% kali adalah **{mde:.1f} menit**.",
        "en": "Simulated with {draws} panels for each number of units: a {pct:.0f}% reduction in waiting time "
        "({minutes:.1f} minutes) is not detected with 80% power even with {max_units} units on this calendar. "
        "With today's {n_now} units the smallest effect detected 80% of the time is **{mde:.1f} minutes**.",
    },
    "effects.planning_closed_form": {
        "id": "Perkiraan awal dengan rumus tertutup: untuk mendeteksi penurunan {pct:.0f}% waktu tunggu "
        "({minutes:.1f} menit) dengan kuasa 80% dibutuhkan sekitar **{n} unit** (separuh ikut program, 6 bulan "
        "sebelum dan 6 bulan sesudah). Rumus ini mengandaikan dua kelompok, bukan jadwal peluncuran "
        "bertahap dan estimator yang sebenarnya, sehingga cenderung terlalu kecil: anggap sebagai batas bawah.",
        "en": "First guess from a closed-form formula: to detect a {pct:.0f}% reduction in waiting time "
        "({minutes:.1f} minutes) with 80% power, about **{n} units** are needed (half in the programme, 6 "
        "months before and 6 after). The formula assumes two groups, not the staggered roll-out and the "
        "estimator actually used, so it tends to be too small: read it as a lower bound.",
    },
    "effects.caveats": {
        "id": "## Arti bagi perencana dan keterbatasan",
        "en": "## What it means, and caveats",
    },
    "effects.pretrend_text": {
        "id": "Sebelum program, gelombang dan pembanding seharusnya bergerak sejajar. Dua uji memeriksanya. "
        "(1) **Pergeseran per gelombang**: pada bulan-bulan sebelum setiap unit ikut, apakah gelombang itu "
        "sudah membaik atau memburuk secara bertahap dibanding unit lain? Uji ini dirancang untuk tren yang "
        "berbeda (misalnya unit yang lebih dulu ikut sudah membaik); kolom terakhir menyebut pergeseran "
        "terkecil yang tertangkap 80% kali. (2) **Uji gabungan** atas {window} periode sebelum periode acuan, "
        "untuk lonjakan tepat sebelum program. Kedua uji memakai koreksi sampel kecil (F), jadi tidak terlalu "
        "sering menolak bila unit sedikit. Bila salah satu menolak, kesimpulan menjadi *rapuh*.",
        "en": "Before the programme, waves and comparison units should move in parallel. Two tests check it. "
        "(1) **Drift per wave**: in the months before each unit joined, was its wave already improving or "
        "worsening step by step compared with the other units? This test is built for diverging trends "
        "(e.g. early joiners already improving); the last column gives the smallest drift it catches 80% "
        "of the time. (2) **Joint test** over the {window} periods before the reference period, for jumps "
        "just before the programme. Both use a small-sample (F) correction, so they do not reject too often "
        "when there are few units. If either rejects, the verdict becomes *fragile*.",
    },
    "caveat.pretrend": {
        "id": "**{outcome}**: uji pra-tren menolak; perkiraan bisa tercampur tren yang sudah berbeda "
        "sebelum program.",
        "en": "**{outcome}**: a pre-trend check rejects; the estimate may mix in trends that "
        "differed before the programme.",
    },
    "caveat.covariates": {
        "id": "{outcome}: tren sejajar hanya diandaikan di antara unit yang serupa dalam {covariates} (diukur "
        "sebelum gelombang pertama mulai); {n} unit tanpa nilai itu tidak termasuk.",
        "en": "{outcome}: parallel trends are assumed only among units alike in {covariates} (measured before "
        "the first wave started); {n} units without these values are left out.",
    },
    "covariate.unit_size": {"id": "ukuran unit (kunjungan)", "en": "unit size (visits)"},
    "caveat.estimator.unbalanced": {
        "id": "{outcome}: kesimpulan bertumpu pada estimator {estimator}, karena sebagian unit tidak punya data pada "
        "sebagian bulan. Estimator ini membandingkan setiap unit dengan bulan-bulannya sendiri sebelum "
        "program, sehingga bulan yang hilang tidak mengubah kelompok pembanding; Callaway-Sant'Anna "
        "ditampilkan di uji ketahanan.",
        "en": "{outcome}: the verdict rests on the {estimator} estimator because some units miss some months. It "
        "compares each unit with its own months before the programme, so missing months do not change the "
        "comparison group; Callaway-Sant'Anna is shown among the robustness checks.",
    },
    "caveat.estimator.balanced": {
        "id": "{outcome}: kesimpulan bertumpu pada estimator {estimator} (panel lengkap).",
        "en": "{outcome}: the verdict rests on the {estimator} estimator (complete panel).",
    },
    "caveat.estimator.chosen": {
        "id": "{outcome}: kesimpulan bertumpu pada estimator {estimator}, sesuai parameter `estimator`.",
        "en": "{outcome}: the verdict rests on the {estimator} estimator, as set by the `estimator` parameter.",
    },
    "caveat.anticipation": {
        "id": "{outcome}: dampak dianggap dapat mulai {n} periode ({per}) sebelum tanggal mulai resmi "
        "(parameter `anticipation`); periode itu tidak dipakai sebagai pembanding.",
        "en": "{outcome}: the effect is allowed to start {n} period(s) ({per}) before the official start "
        "(parameter `anticipation`); those periods are not used as comparison.",
    },
    "caveat.selection": {
        "id": "Unit yang lebih dulu ikut sudah lebih baik sebelum program (waktu tunggu awal "
        "{early:.1f} vs {never:.1f} menit). Metode ini membandingkan perubahan, bukan "
        "tingkat, sehingga selisih awal itu tidak dihitung sebagai dampak.",
        "en": "Early joiners were better before the programme (initial waiting time {early:.1f} "
        "vs {never:.1f} minutes). The method compares changes, not levels, so that gap is "
        "not counted as an effect.",
    },
    "caveat.unbalanced": {"id": "{outcome}: {text}", "en": "{outcome}: {text}"},
    # What the DiD estimator did to a panel (effects.DidResult.notes) and why it could not run (DidInputError)
    "did.missing_dropped": {
        "id": "{n} unit-periode tanpa nilai tidak diikutkan",
        "en": "{n} unit-periods without a value were dropped",
    },
    "did.always_treated": {
        "id": "{n} unit sudah ikut program sejak periode pertama, jadi tidak punya periode "
        "sebelum program, dan tidak diikutkan",
        "en": "{n} unit(s) treated from the first period have no pre-period and were dropped",
    },
    "did.late": {
        "id": "{n} unit baru mulai setelah periode terakhir dan dihitung sebagai belum ikut",
        "en": "{n} unit(s) start after the last period and count as not yet treated",
    },
    "did.single_unit": {
        "id": "gelombang {cohorts} hanya berisi satu unit: ATT(g,t)-nya bertumpu pada satu unit "
        "dan galat bakunya tidak dapat diandalkan",
        "en": "cohort(s) {cohorts} have a single unit: their ATT(g,t) rest on one unit and their "
        "standard errors are unreliable",
    },
    "did.unbalanced": {
        "id": "panel tidak seimbang ({n} unit tidak punya data pada sebagian periode): diestimasi "
        "dengan estimator untuk panel tidak seimbang, galat baku diklaster per unit",
        "en": "unbalanced panel ({n} units miss some periods): estimated with the unbalanced-panel "
        "estimator, standard errors clustered by unit",
    },
    "did.na_cells": {
        "id": "{n} sel ATT(g,t) tidak punya unit pembanding dan tidak diikutkan dalam agregasi",
        "en": "{n} ATT(g,t) cell(s) have no comparison units and are left out of the aggregations",
    },
    "did.library": {"id": "catatan dari estimator: {text}", "en": "note from the estimator: {text}"},
    "did.no_treated": {
        "id": "tidak ada unit yang ikut program dalam periode data",
        "en": "no unit is treated within the panel's periods",
    },
    "did.no_comparison": {
        "id": "semua unit ikut program pada waktu yang sama dan tidak ada yang belum pernah ikut: "
        "tidak ada kelompok pembanding",
        "en": "all units are treated at the same time and none is never treated: there is no "
        "comparison group",
    },
    "did.no_never_treated": {
        "id": "tidak ada unit yang belum pernah ikut program",
        "en": "no unit is never treated",
    },
    "did.few_doses": {
        "id": "jam pelatihan diketahui untuk terlalu sedikit unit untuk dibagi menjadi kelompok",
        "en": "training hours are known for too few treated units to form groups",
    },
    "did.estimator_failed": {
        "id": "estimator tidak dapat berjalan pada data ini",
        "en": "the estimator could not run on these data",
    },
    "caveat.dose": {
        "id": "Perbandingan menurut jam pelatihan bersifat deskriptif: unit memilih berapa banyak "
        "pelatihan, jadi perbedaan antarkelompok belum tentu akibat pelatihan.",
        "en": "The comparison by training hours is descriptive: units chose how much training to "
        "take, so differences between groups are not necessarily caused by the training.",
    },
    "caveat.sector": {
        "id": "Sektor dengan kurang dari {min_units} unit tidak diestimasi.",
        "en": "Sectors with fewer than {min_units} units are not estimated.",
    },
    "col.test": {"id": "Uji", "en": "Test"},
    "col.statistic": {"id": "Statistik F", "en": "F statistic"},
    "col.df": {"id": "df", "en": "df"},
    "col.p": {"id": "p", "en": "p"},
    "test.trend": {
        "id": "{outcome}: pergeseran per gelombang sebelum program",
        "en": "{outcome}: drift per wave before the programme",
    },
    "test.window": {
        "id": "{outcome}: {window} periode sebelum periode acuan",
        "en": "{outcome}: the {window} periods before the reference period",
    },
    # ------------------------------------------------------------------ competency notebook
    "needs.title": {
        "id": "# Kebutuhan pengembangan kompetensi ASN: {city}",
        "en": "# ASN competency development needs: {city}",
    },
    "needs.question": {
        "id": "**Pertanyaan.** Kompetensi apa yang kurang pada kelompok pegawai mana, berapa orang, dan pelatihan "
        "apa yang menutup kesenjangan itu?",
        "en": "**Question.** Which competencies does which group of staff lack, how many people are in each "
        "group, and which training closes the gaps?",
    },
    "needs.data": {
        "id": "## Data\n{n_assessed:,} pegawai dinilai pada {n_comp} kompetensi (PermenPAN-RB 38/2017); "
        "{n_short:,} ({share:.0%}) kurang setidaknya satu level pada satu kompetensi.",
        "en": "## Data\n{n_assessed:,} staff assessed on {n_comp} competencies (PermenPAN-RB 38/2017); "
        "{n_short:,} ({share:.0%}) are at least one level short on at least one competency.",
    },
    "needs.required_reference": {
        "id": "Level yang dipersyaratkan diambil dari standar per kelas jabatan (data/reference/required_levels.csv).",
        "en": "Required levels come from the standard per position class (data/reference/required_levels.csv).",
    },
    "needs.required_recorded": {
        "id": "Level yang dipersyaratkan diambil dari kolom level_required yang dicatat instansi pada setiap "
        "asesmen (parameter required_source = recorded), bukan dari tabel standar.",
        "en": "Required levels come from the level_required recorded by the instansi with each assessment "
        "(parameter required_source = recorded), not from the standard table.",
    },
    "needs.required_differ": {
        "id": "**Perhatian:** pada {records} catatan asesmen, level_required yang dicatat berbeda dari standar "
        "kelas jabatan ({pairs} kombinasi kelas jabatan x kompetensi, tabel di bawah). Laporan ini memakai "
        "{source}. Untuk memakai standar instansi sendiri, setel `required_source: recorded` di "
        "notebooks/params/<kota>.yaml.",
        "en": "**Note:** in {records} assessment records the recorded level_required differs from the position-class "
        "standard ({pairs} position class x competency combinations, table below). This report uses "
        "{source}. To use your instansi's own standard, set `required_source: recorded` in "
        "notebooks/params/<city>.yaml.",
    },
    "needs.source.reference": {"id": "tabel standar", "en": "the standard table"},
    "needs.source.recorded": {
        "id": "level yang dicatat instansi",
        "en": "the levels recorded by the instansi",
    },
    "needs.why": {
        "id": "## Mengapa kekurangan, bukan nilai mentah\nKelompok dibentuk dari *kekurangan* = maks(standar - "
        "hasil, 0) per kompetensi. Nilai mentah hanya akan memisahkan pegawai menurut jenjang jabatan "
        "(standar jabatan yang lebih tinggi), bukan menurut kebutuhan pelatihan.",
        "en": "## Why shortfalls, not raw levels\nGroups are formed on the *shortfall* = max(required - assessed, "
        "0) per competency. Raw levels would only separate staff by job tier (higher posts have higher "
        "standards), not by training need.",
    },
    "needs.choose_k": {
        "id": "## Memilih jumlah kelompok\nJumlah kelompok dipilih dengan statistik *gap* (aturan 1-SE) lalu "
        "diuji kestabilannya dengan bootstrap ({n_boot} ulangan): kelompok disebut stabil bila ARI rata-rata "
        ">= 0,90 dan Jaccard setiap kelompok >= 0,75.",
        "en": "## Choosing the number of groups\nThe number of groups is chosen by the gap statistic (1-SE rule) and "
        "then tested for stability by bootstrap ({n_boot} draws): groups count as stable when the mean ARI "
        "is >= 0.90 and every group's Jaccard is >= 0.75.",
    },
    "needs.groups": {"id": "## Kelompok pegawai", "en": "## Staff groups"},
    "needs.stable": {
        "id": "**{k} kelompok, stabil** (ARI bootstrap {ari:.2f}).",
        "en": "**{k} groups, stable** (bootstrap ARI {ari:.2f}).",
    },
    "needs.unstable": {
        "id": "**Peringatan:** {k} kelompok ini tidak stabil bila data diambil ulang (ARI bootstrap "
        "{ari:.2f}, Jaccard terendah {jaccard:.2f}; syarat stabil: ARI >= {ari_gate:.2f} dan "
        "Jaccard >= {jaccard_gate:.2f}): anggap hanya sebagai gambaran.",
        "en": "**Warning:** these {k} groups are not stable under resampling (bootstrap ARI {ari:.2f}, "
        "lowest Jaccard {jaccard:.2f}; stable means ARI >= {ari_gate:.2f} and Jaccard >= "
        "{jaccard_gate:.2f}): treat them as descriptive only.",
    },
    "needs.unassessed": {
        "id": "**{k} kelompok**; stabilitasnya tidak dinilai (n_boot = 0): anggap hanya sebagai gambaran.",
        "en": "**{k} groups**; their stability was not assessed (n_boot = 0): treat them as "
        "descriptive only.",
    },
    "needs.no_structure": {
        "id": "**Tidak ada struktur kelompok:** statistik gap lebih memilih satu kelompok, jadi "
        "tidak ada kelompok pegawai yang dilaporkan. Rencanakan pelatihan per kompetensi.",
        "en": "**No group structure:** the gap statistic prefers a single group, so no staff groups "
        "are reported. Plan training per competency instead.",
    },
    "needs.by_agency": {"id": "## Kelompok per perangkat daerah", "en": "## Groups by agency"},
    "needs.suppressed": {
        "id": "_{n} sel dengan kurang dari {min_cell} pegawai disembunyikan ('<{min_cell}'); '…': JP, biaya atau "
        "porsi pegawai yang jumlahnya disembunyikan._",
        "en": "_{n} cells with fewer than {min_cell} staff are hidden ('<{min_cell}'); '…': the JP, cost or share "
        "of staff whose count is hidden._",
    },
    "needs.suppressed_both": {
        "id": "_{n} sel dengan kurang dari {min_cell} pegawai disembunyikan ('<{min_cell}'), dan {m} sel lain "
        "('x') agar sel tersebut tidak dapat dihitung dari angka lain di halaman ini; '…': JP, biaya atau porsi "
        "pegawai yang jumlahnya disembunyikan._",
        "en": "_{n} cells with fewer than {min_cell} staff are hidden ('<{min_cell}'), and {m} more ('x') so "
        "that they cannot be worked out from other numbers on this page; '…': the JP, cost or share of staff "
        "whose count is hidden._",
    },
    "needs.disclosure": {
        "id": "_Perlindungan data pribadi: setiap jumlah di bawah {min_cell} pegawai disembunyikan, beserta sel "
        "pelengkap yang dipilih dan diaudit dengan pemrograman linear sehingga tidak ada angka tersembunyi yang "
        "dapat dihitung ulang dari tabel, kalimat, atau results.json halaman ini (aturan ambang dengan "
        "penyembunyian sekunder; Hundepool dkk. 2012). {primary} sel disembunyikan karena kecil, {complementary} "
        "sel pelengkap._",
        "en": "_Personal data protection: every count under {min_cell} staff is hidden, together with "
        "complementary cells chosen and audited by linear programming so that no hidden number can be worked "
        "out from this page's tables, sentences or results.json (threshold rule with secondary suppression; "
        "Hundepool et al. 2012). {primary} cells hidden as small, {complementary} complementary._",
    },
    "needs.plan": {"id": "## Rencana pelatihan", "en": "## Training plan"},
    "needs.plan_totals": {
        "id": "Kelayakan bersifat individual (kurang >= 1 level pada kompetensi itu): {people:,} pegawai, "
        "{enrolments:,} penempatan pelatihan, {jp:,.0f} JP, perkiraan biaya Rp {cost:,.0f}.",
        "en": "Eligibility is individual (at least one level short on that competency): {people:,} staff, "
        "{enrolments:,} enrolments, {jp:,.0f} JP, estimated cost IDR {cost:,.0f}.",
    },
    "needs.jp": {
        "id": "## Hak pengembangan 20 JP per tahun ({year})",
        "en": "## The 20 JP a year development right ({year})",
    },
    "needs.talent": {
        "id": "## Kinerja dan talenta (SKP, kotak 9)",
        "en": "## Performance and talent (SKP, 9-box)",
    },
    "needs.caveats": {
        "id": "## Keterbatasan\n- Kekurangan satu level dekat dengan galat pengukuran asesmen; jangan menilai "
        "individu dari satu asesmen.\n- Nilai cenderung menumpuk di atas (banyak pegawai tepat memenuhi "
        "standar), sehingga kelompok 'memenuhi standar' besar.\n- Standar kompetensi per jabatan dapat "
        "diatur instansi (data/reference/required_levels.csv).\n- Pengelompokan pegawai adalah profiling: "
        "perlu penilaian dampak pelindungan data (UU 27/2022, Pasal 34).",
        "en": "## Caveats\n- One-level shortfalls are close to assessment measurement error; do not judge an "
        "individual on one assessment.\n- Ratings bunch at the top (many staff exactly meet the standard), "
        "so the 'meets standard' group is large.\n- Required levels per post can be set by each agency "
        "(data/reference/required_levels.csv).\n- Grouping staff is profiling: it calls for a data "
        "protection impact assessment (UU 27/2022, Pasal 34).",
    },
    "axis.k": {"id": "Jumlah kelompok k", "en": "Number of groups k"},
    "axis.gap": {"id": "Statistik gap (± 1 SE)", "en": "Gap statistic (± 1 SE)"},
    "axis.silhouette": {"id": "Silhouette (informasi)", "en": "Silhouette (information only)"},
    "axis.competency": {"id": "Kompetensi", "en": "Competency"},
    "axis.shortfall": {"id": "Rata-rata kekurangan (level)", "en": "Mean shortfall (levels)"},
    "plot.selection": {
        "id": "Memilih k (n = {n} pegawai; terpilih k = {k})",
        "en": "Choosing k (n = {n} staff; chosen k = {k})",
    },
    "plot.profiles": {
        "id": "Kekurangan rata-rata per kelompok (n = {n} pegawai)",
        "en": "Mean shortfall by group (n = {n} staff)",
    },
    "plot.hidden_groups": {
        "id": "{n} kelompok disembunyikan (kurang dari {min_cell} pegawai, atau untuk melindunginya)",
        "en": "{n} group(s) hidden (fewer than {min_cell} staff, or to protect one that is)",
    },
    "plot.shortfall": {
        "id": "Kekurangan rata-rata per kompetensi (n = {n} pegawai)",
        "en": "Mean shortfall per competency (n = {n} staff)",
    },
    # ------------------------------------------------------------------ index page and shared report parts
    "index.title": {
        "id": "Evaluasi program pengembangan kinerja ASN",
        "en": "Evaluation of the ASN performance development programme",
    },
    "index.demo": {
        "id": "DATA DEMO: semua angka berasal dari data sintetis dengan dampak yang diketahui, bukan data nyata kota.",
        "en": "DEMO DATA: every figure comes from synthetic data with a known effect, not from real city data.",
    },
    "index.ikm_now": {"id": "IKM kota {year}", "en": "City IKM {year}"},
    "index.groups": {"id": "Kelompok pegawai menurut kebutuhan", "en": "Staff groups by need"},
    "index.not_stable": {"id": "belum stabil", "en": "not stable"},
    "index.largest_need": {"id": "Kebutuhan pelatihan terbesar", "en": "Largest training need"},
    "index.staff": {"id": "pegawai", "en": "staff"},
    "index.link.programme_effects": {"id": "Dampak program", "en": "Programme effects"},
    "index.link.training_needs": {"id": "Kebutuhan kompetensi", "en": "Training needs"},
    "index.link.cross_city": {"id": "Perbandingan antarkota", "en": "Cross-city comparison"},
    "index.footer": {
        "id": "Dibuat {generated} oleh asn-kinerja. Hanya angka agregat; sel dengan kurang dari 10 pegawai disembunyikan.",
        "en": "Generated {generated} by asn-kinerja. Aggregates only; cells with fewer than 10 staff are hidden.",
    },
    "effects.ikm_now": {
        "id": "IKM kota tahun {year} (rata-rata {n} unit): **{ikm:.2f}**, mutu {mutu} ({kinerja}).",
        "en": "City IKM in {year} (mean of {n} units): **{ikm:.2f}**, quality {mutu} ({kinerja}).",
    },
    "needs.largest": {
        "id": "Kebutuhan terbesar: **{name}** ({participants} pegawai).",
        "en": "Largest need: **{name}** ({participants} staff).",
    },
    "provenance.heading": {"id": "## Asal-usul laporan", "en": "## Provenance"},
    "provenance.text": {
        "id": "Berkas data dan sidik SHA-256-nya, parameter, versi perangkat lunak dan waktu jalan.",
        "en": "Data files and their SHA-256, parameters, software versions and run time.",
    },
    # ------------------------------------------------------------------ cross-city notebook
    "cross.title": {"id": "# Perbandingan antarkota", "en": "# Cross-city comparison"},
    "cross.caution": {
        "id": "**Hati-hati membandingkan.** Kota berbeda dalam waktu peluncuran, jenis unit, cara "
        "pencatatan dan mutu data; selisih antarkota bukan bukti bahwa satu program lebih baik.",
        "en": "**Compare with care.** Cities differ in roll-out timing, unit mix, record keeping and "
        "data quality; a difference between cities is not evidence that one programme is better.",
    },
    "cross.effects": {"id": "## Dampak per kota", "en": "## Effects by city"},
    "cross.pooled": {"id": "## Dampak gabungan semua kota", "en": "## Pooled effect across cities"},
    "cross.pooled_text": {
        "id": "**{outcome}**, dampak rata-rata pada {n} {per} pertama sejak program dimulai (sama untuk setiap kota, "
        "estimator imputasi), digabung dengan model efek acak: **{estimate:.2f}** (selang {level}% Hartung-Knapp: "
        "{low:.2f} s.d. {high:.2f}; {k} kota). Keragaman antarkota: tau = {tau:.2f}, I² = {i2:.0%}. {prediction} "
        "Kota berbeda dalam jadwal, jenis unit dan pencatatan: angka gabungan adalah rata-rata, bukan janji untuk "
        "setiap kota.",
        "en": "**{outcome}**, mean effect over the first {n} {per} after the start (the same in every city, "
        "imputation estimator), pooled with a random-effects model: **{estimate:.2f}** ({level}% Hartung-Knapp "
        "interval {low:.2f} to {high:.2f}; {k} cities). Spread between cities: tau = {tau:.2f}, I² = {i2:.0%}. "
        "{prediction} Cities differ in timing, unit mix and record keeping: the pooled number is an average, not a "
        "promise for each city.",
    },
    "cross.prediction": {
        "id": "Dampak di kota baru diperkirakan antara {low:.2f} dan {high:.2f} (selang prediksi {level}%).",
        "en": "A new city's effect would be expected between {low:.2f} and {high:.2f} ({level}% prediction interval).",
    },
    "cross.no_prediction": {
        "id": "Selang prediksi untuk kota baru butuh paling sedikit 3 kota.",
        "en": "A prediction interval for a new city needs at least 3 cities.",
    },
    "cross.pooled_fragile": {
        "id": "**Perhatian:** kesimpulan di {cities} rapuh atau datanya terlalu sedikit; perkiraan kota itu bisa "
        "membawa tren yang sudah ada sebelum program ke dalam angka gabungan. {without}",
        "en": "**Note:** the verdict in {cities} is fragile or rests on too little data; their estimates may carry "
        "a trend that predates the programme into the pooled number. {without}",
    },
    "cross.pooled_without": {
        "id": "Tanpa kota itu: **{estimate:.2f}** (selang {level}%: {low:.2f} s.d. {high:.2f}; {k} kota).",
        "en": "Without them: **{estimate:.2f}** ({level}% interval {low:.2f} to {high:.2f}; {k} cities).",
    },
    "cross.pooled_without_few": {
        "id": "Tanpa kota itu tersisa kurang dari 2 kota: tidak ada angka gabungan yang kokoh.",
        "en": "Without them fewer than 2 cities remain: there is no sound pooled number.",
    },
    "cross.pooled_few": {
        "id": "{outcome}: kurang dari 2 kota, tidak digabung.",
        "en": "{outcome}: fewer than 2 cities, not pooled.",
    },
    "cross.pooled_row": {"id": "Gabungan (efek acak)", "en": "Pooled (random effects)"},
    "plot.cross_pooled": {
        "id": "{outcome}: {n} {per} pertama, per kota dan gabungan ({k} kota)",
        "en": "{outcome}: first {n} {per}, by city and pooled ({k} cities)",
    },
    "per_n.month": {"id": "bulan", "en": "months"},
    "per_n.quarter": {"id": "triwulan", "en": "quarters"},
    "cross.ikm": {"id": "## Tren IKM", "en": "## IKM trends"},
    "cross.groups": {"id": "## Porsi kelompok pegawai", "en": "## Staff-group shares"},
    "cross.none": {"id": "Belum ada hasil kota di {path}.", "en": "No city results found in {path}."},
    "plot.cross_effects": {
        "id": "{outcome}: dampak per kota ({n} kota)",
        "en": "{outcome}: effect by city ({n} cities)",
    },
    "plot.cross_ikm": {
        "id": "IKM rata-rata unit per triwulan ({n} kota)",
        "en": "Mean unit IKM by quarter ({n} cities)",
    },
    "plot.cross_groups": {
        "id": "Porsi pegawai per kelompok ({n} kota)",
        "en": "Share of staff by group ({n} cities)",
    },
    "axis.city": {"id": "Kota", "en": "City"},
    "axis.share": {"id": "Porsi pegawai", "en": "Share of staff"},
    # ------------------------------------------------------------------ what a city's data can produce (readiness)
    "ready.heading": {
        "id": "Bagian laporan yang akan dibuat dari data ini:",
        "en": "What the reports will show from these data:",
    },
    "ready.runs": {"id": "dibuat", "en": "runs"},
    "ready.skipped": {"id": "dilewati: {why}", "en": "skipped: {why}"},
    "ready.report.programme_effects": {"id": "Laporan dampak program", "en": "Programme effects report"},
    "ready.report.training_needs": {"id": "Laporan kebutuhan pelatihan", "en": "Training-needs report"},
    "ready.section.report": {"id": "seluruh laporan", "en": "whole report"},
    "ready.section.median_wait_minutes": {"id": "dampak pada waktu tunggu", "en": "effect on waiting time"},
    "ready.section.ikm": {"id": "dampak pada IKM", "en": "effect on IKM"},
    "ready.section.dose": {"id": "menurut jam pelatihan", "en": "by training hours"},
    "ready.section.talent": {"id": "pandangan talenta (SKP, 9-box)", "en": "talent view (SKP, 9-box)"},
    "ready.section.jp": {"id": "hak 20 JP", "en": "the 20 JP right"},
    "ready.no_visits": {
        "id": "tidak ada log kunjungan (service_visits)",
        "en": "no visit log (service_visits)",
    },
    "ready.empty_visits": {
        "id": "log kunjungan tidak berisi kunjungan dengan waktu datang",
        "en": "the visit log holds no visit with an arrival time",
    },
    "ready.no_survey": {
        "id": "tidak ada survei kepuasan (satisfaction_responses)",
        "en": "no satisfaction survey (satisfaction_responses)",
    },
    "ready.empty_survey": {
        "id": "survei kepuasan tidak berisi jawaban",
        "en": "the survey holds no responses",
    },
    "ready.few_periods": {
        "id": "data hanya mencakup {n} periode; perlu sedikitnya {min} (sebelum, saat, dan sesudah program dimulai)",
        "en": "the data cover only {n} period(s); at least {min} are needed (before, at and after a start)",
    },
    "ready.no_start_inside": {
        "id": "tidak ada unit yang mulai ikut program di dalam periode data (dengan bulan sebelum mulai)",
        "en": "no unit starts the programme inside the data period (with a month before its start)",
    },
    "ready.no_comparison": {
        "id": "semua unit mulai bersamaan dan tidak ada yang tidak ikut: tidak ada pembanding",
        "en": "every unit starts at once and none stays out: there is nothing to compare with",
    },
    "ready.no_rollout": {
        "id": "tidak ada tabel rollout (atau tidak ada tanggal mulai program): tidak ada program untuk dinilai",
        "en": "no rollout table (or no programme start in it): there is no programme to evaluate",
    },
    "ready.no_outcomes": {
        "id": "tidak ada log kunjungan maupun survei: tidak ada ukuran hasil",
        "en": "neither a visit log nor a survey: there is no outcome to measure",
    },
    "ready.no_estimate": {
        "id": "laporan dibuat, tetapi tidak ada dampak yang dapat diperkirakan (lihat alasannya per ukuran)",
        "en": "the report runs, but no effect can be estimated (see the reason per outcome)",
    },
    "ready.no_trainings": {"id": "tidak ada tabel pelatihan (trainings)", "en": "no trainings table"},
    "ready.no_assessments": {
        "id": "tidak ada tabel pegawai (staff) atau asesmen kompetensi (competency_assessments)",
        "en": "no staff table or no competency assessments",
    },
    "ready.few_assessed": {
        "id": "hanya {n} pegawai yang diases; pengelompokan pegawai perlu sedikitnya {min}",
        "en": "only {n} staff assessed; staff groups need at least {min}",
    },
    "ready.no_performance": {
        "id": "tidak ada tabel kinerja (performance, SKP)",
        "en": "no performance (SKP) table",
    },
    "ready.report_skipped": {
        "id": "> **Laporan ini tidak dapat dibuat dari data ini:** {why}. Jalankan `asn-kinerja validate` untuk "
        "melihat apa yang diperlukan.",
        "en": "> **This report cannot be made from these data:** {why}. Run `asn-kinerja validate` to see what "
        "it needs.",
    },
    "ready.outcome_skipped": {
        "id": "- **{outcome}:** tidak diperkirakan, {why}.",
        "en": "- **{outcome}:** not estimated: {why}.",
    },
    # ------------------------------------------------------------------ verdicts and table headers
    "verdict.decrease": {"id": "turun", "en": "decreased"},
    "verdict.increase": {"id": "naik", "en": "increased"},
    "verdict.no_detectable_change": {
        "id": "tidak ada perubahan yang terdeteksi",
        "en": "no detectable change",
    },
    "verdict.fragile": {"id": "rapuh: asumsi tidak terpenuhi", "en": "fragile: an assumption check failed"},
    "verdict.too_little_data": {
        "id": "data terlalu sedikit untuk disimpulkan",
        "en": "too little data to conclude",
    },
    "col.estimator": {"id": "Estimator", "en": "Estimator"},
    "col.detectable": {"id": "Daya deteksi uji", "en": "What the test can catch"},
    "estimator.callaway_santanna": {"id": "Callaway-Sant'Anna", "en": "Callaway-Sant'Anna"},
    "estimator.imputation": {
        "id": "imputasi (Borusyak-Jaravel-Spiess)",
        "en": "imputation (Borusyak-Jaravel-Spiess)",
    },
    "unit.median_wait_minutes": {"id": "menit", "en": "minutes"},
    "unit.p90_wait_minutes": {"id": "menit", "en": "minutes"},
    "unit.median_processing_minutes": {"id": "menit", "en": "minutes"},
    "unit.share_within_standard": {"id": "poin porsi", "en": "share points"},
    "unit.ikm": {"id": "poin", "en": "points"},
    "per.month": {"id": "per bulan", "en": "a month"},
    "per.quarter": {"id": "per triwulan", "en": "a quarter"},
    # the decision in one sentence per outcome (evaluation.verdict_sentences)
    "sentence.decrease": {
        "id": "**{outcome}: turun {size:.2f} {unit}** karena program (selang {level}%: {low:.2f} s.d. {high:.2f}); "
        "semua uji asumsi lolos.",
        "en": "**{outcome}: down {size:.2f} {unit}** because of the programme ({level}% interval {low:.2f} to "
        "{high:.2f}); every assumption check passed.",
    },
    "sentence.increase": {
        "id": "**{outcome}: naik {size:.2f} {unit}** karena program (selang {level}%: {low:.2f} s.d. {high:.2f}); "
        "semua uji asumsi lolos.",
        "en": "**{outcome}: up {size:.2f} {unit}** because of the programme ({level}% interval {low:.2f} to "
        "{high:.2f}); every assumption check passed.",
    },
    "sentence.fragile": {
        "id": "**{outcome}: rapuh.** Perkiraan {estimate:.2f} {unit} (selang {level}%: {low:.2f} s.d. {high:.2f}) "
        "tidak nol, tetapi uji asumsi gagal ({checks}): perubahan itu bisa berasal dari perbedaan yang sudah "
        "ada sebelum program, bukan dari program. Jangan jadikan dasar keputusan tanpa kajian lebih lanjut.",
        "en": "**{outcome}: fragile.** The estimate {estimate:.2f} {unit} ({level}% interval {low:.2f} to "
        "{high:.2f}) is not zero, but an assumption check failed ({checks}): the change may come from "
        "differences that existed before the programme, not from the programme. Do not decide on it without "
        "further study.",
    },
    "sentence.no_detectable_change": {
        "id": "**{outcome}: tidak ada perubahan yang terdeteksi** (perkiraan {estimate:.2f} {unit}, selang {level}%: "
        "{low:.2f} s.d. {high:.2f}). Data menyingkirkan penurunan lebih dari {down:.2f} {unit} dan kenaikan "
        "lebih dari {up:.2f} {unit}.",
        "en": "**{outcome}: no detectable change** (estimate {estimate:.2f} {unit}, {level}% interval {low:.2f} to "
        "{high:.2f}). The data rule out a decrease of more than {down:.2f} {unit} and an increase of more "
        "than {up:.2f} {unit}.",
    },
    "sentence.too_little_data": {
        "id": "**{outcome}: data terlalu sedikit untuk disimpulkan** ({reasons}).",
        "en": "**{outcome}: too little data to conclude** ({reasons}).",
    },
    "sentence.unidentified": {
        "id": "{outcome}: tidak ada unit pembanding untuk gelombang {cohorts} dan untuk {periods} periode setelah "
        "program dimulai; bagian itu tidak termasuk dalam perkiraan.",
        "en": "{outcome}: no comparison units exist for wave(s) {cohorts} and for {periods} period(s) after the "
        "start; they are left out of the estimate.",
    },
    "sentence.without_pre": {
        "id": "{outcome}: {n} unit yang ikut program tidak punya catatan sebelum tanggal mulainya, jadi tidak dapat "
        "dibandingkan dengan dirinya sendiri dan tidak termasuk; perkiraan berlaku untuk {rest} unit lainnya.",
        "en": "{outcome}: {n} treated units have no record before their start, so they cannot be compared with "
        "themselves and are left out; the estimate is for the other {rest} treated units.",
    },
    "caveat.maybe_anticipation": {
        "id": "{outcome}: selisih muncul tepat sebelum tanggal mulai. Bila pegawai sudah dilatih atau layanan sudah "
        "berubah sebelum tanggal mulai resmi, setel `anticipation` (bulan) di notebooks/params/<kota>.yaml.",
        "en": "{outcome}: differences appear just before the start. If staff were trained or services changed "
        "before the official start, set `anticipation` (months) in notebooks/params/<city>.yaml.",
    },
    "reason.no_estimate": {
        "id": "tidak ada perbandingan yang dapat dihitung",
        "en": "no comparison could be computed",
    },
    "reason.few_treated": {
        "id": "hanya {treated} unit ikut program; dibutuhkan paling sedikit {min_treated}",
        "en": "only {treated} units joined; at least {min_treated} are needed",
    },
    "reason.imprecise": {
        "id": "selangnya mencakup penurunan maupun kenaikan sebesar {meaningful:.2f} {unit}, "
        "perubahan terkecil yang berarti",
        "en": "its interval includes both a decrease and an increase of {meaningful:.2f} {unit}, "
        "the smallest change that matters",
    },
    "check_failed.trend": {
        "id": "gelombang sudah bergerak berbeda sebelum program",
        "en": "waves were already drifting apart before the programme",
    },
    "check_failed.joint": {
        "id": "selisih pada bulan-bulan tepat sebelum program",
        "en": "differences in the months just before the programme",
    },
    "check_failed.placebo": {
        "id": "plasebo menemukan 'dampak' sebelum program",
        "en": "the placebo found an 'effect' before the programme",
    },
    "check_failed.sensitivity": {
        "id": "perbedaan tren yang tidak lebih besar dari sebelum program sudah cukup untuk menjelaskannya",
        "en": "trend differences no larger than those before the programme could explain it",
    },
    "effects.sensitivity": {
        "id": "## Seberapa kuat kesimpulan bila tren tidak sejajar",
        "en": "## How robust the conclusion is if trends were not parallel",
    },
    "effects.sensitivity_text": {
        "id": "Uji pra-tren yang lolos tidak membuktikan tren sejajar; bisa jadi ujinya kurang kuat. Karena itu "
        "kami bertanya: seberapa besar perbedaan tren setelah program yang dapat membatalkan kesimpulan? "
        "Metode HonestDiD (Rambachan & Roth 2023, batasan *besaran relatif*) mengizinkan perbedaan tren setelah "
        "program bergeser dari satu periode ke periode berikutnya paling banyak **M** kali pergeseran terbesar "
        "yang terlihat sebelum program. Untuk tiap M, grafik menunjukkan selang {level}% dampak rata-rata "
        "pada {months} bulan pertama (IKM: {quarters} triwulan pertama) yang tetap sah; **nilai patah** "
        "adalah M terkecil yang selangnya memuat nol. Nilai patah di bawah {mbar_min:g} berarti perbedaan "
        "tren sebesar yang sudah ada sebelum program cukup untuk menjelaskan dampak: kesimpulan menjadi *rapuh*. Koefisien bulanan dirata-rata per {width} bulan "
        "agar pergeseran terbesar tidak ditentukan oleh gangguan acak satu bulan.",
        "en": "A pre-trend test that passes does not prove parallel trends; it may lack power. So we ask: how "
        "large a difference in trends after the programme would overturn the conclusion? HonestDiD "
        "(Rambachan & Roth 2023, *relative magnitudes*) lets the trend difference after the programme move "
        "from one period to the next by at most **M** times the largest move seen before the programme. For "
        "each M the figure shows the {level}% interval of the average effect over the first {months} months (IKM: "
        "the first {quarters} quarters) that remains valid; "
        "the **breakdown value** is the smallest M whose interval contains zero. A breakdown value below "
        "{mbar_min:g} means trend differences as large as those already present before the programme could "
        "explain the effect: the verdict becomes *fragile*. Monthly coefficients are averaged over {width} "
        "months so that the largest move is not set by one month's noise.",
    },
    "sensitivity.holds": {
        "id": "{outcome}: kesimpulan bertahan kecuali perbedaan tren setelah program bergeser lebih dari "
        "**{mbar:.2f} kali** pergeseran terbesar sebelum program.",
        "en": "{outcome}: the conclusion holds unless post-programme trends diverge more than **{mbar:.2f} "
        "times** the largest pre-programme divergence.",
    },
    "sensitivity.fragile": {
        "id": "{outcome}: perbedaan tren sebesar **{mbar:.2f} kali** pergeseran terbesar sebelum program sudah "
        "cukup untuk membatalkan kesimpulan; itu lebih kecil dari yang sudah terlihat sebelum program.",
        "en": "{outcome}: trend differences of **{mbar:.2f} times** the largest pre-programme divergence are "
        "enough to overturn the conclusion, less than what was already seen before the programme.",
    },
    "sensitivity.not_significant": {
        "id": "{outcome}: dampak rata-rata periode awal tidak berbeda dari nol bahkan bila tren benar-benar "
        "sejajar (nilai patah 0).",
        "en": "{outcome}: the average early effect is not different from zero even if trends were exactly "
        "parallel (breakdown value 0).",
    },
    "sensitivity.robust": {
        "id": "{outcome}: kesimpulan bertahan bahkan bila perbedaan tren setelah program bergeser {mbar:g} kali "
        "pergeseran terbesar sebelum program.",
        "en": "{outcome}: the conclusion holds even if post-programme trends diverge {mbar:g} times the "
        "largest pre-programme divergence.",
    },
    "sensitivity.too_few_pre_periods": {
        "id": "{outcome}: analisis kepekaan tidak dapat dihitung: tidak ada periode sebelum program.",
        "en": "{outcome}: the sensitivity analysis cannot be computed: no periods before the programme.",
    },
    "sensitivity.too_few_post_periods": {
        "id": "{outcome}: analisis kepekaan tidak dapat dihitung: terlalu sedikit periode setelah mulai.",
        "en": "{outcome}: the sensitivity analysis cannot be computed: too few periods after the start.",
    },
    "sensitivity.singular": {
        "id": "{outcome}: analisis kepekaan tidak dapat dihitung: kovarians singular (terlalu sedikit unit).",
        "en": "{outcome}: the sensitivity analysis cannot be computed: singular covariance (too few units).",
    },
    "sensitivity.left_out": {
        "id": "{outcome}: {n} unit yang tidak punya catatan sebelum tanggal mulainya tidak termasuk dalam "
        "analisis kepekaan (seperti pada estimator imputasi).",
        "en": "{outcome}: {n} treated units with no record before their start are left out of the "
        "sensitivity analysis (as in the imputation estimator).",
    },
    "plot.sensitivity_title": {
        "id": "{outcome}: selang {level}% menurut M (n = {n} unit)",
        "en": "{outcome}: {level}% interval by M (n = {n} units)",
    },
    "plot.sensitivity_x": {
        "id": "M (kali pergeseran terbesar sebelum program)",
        "en": "M (times the largest pre-programme move)",
    },
    "plot.sensitivity_y": {
        "id": "Dampak rata-rata awal ({unit})",
        "en": "Average early effect ({unit})",
    },
    "plot.sensitivity_breakdown": {"id": "nilai patah {mbar:.2f}", "en": "breakdown {mbar:.2f}"},
    "plot.sensitivity_plain": {"id": "tanpa batasan (M = 0)", "en": "no violation (M = 0)"},
    "pretest.detectable": {
        "id": "menangkap pergeseran {drift:.2f} {unit} {per} pada satu gelombang 80% kali",
        "en": "catches a drift of {drift:.2f} {unit} {per} in one wave 80% of the time",
    },
    "pretest.pooled": {
        "id": "(gelombang dengan kurang dari {min_units} unit: satu pergeseran bersama diuji)",
        "en": "(a wave has fewer than {min_units} units: one shared drift is tested)",
    },
    "pretest.ok": {"id": "", "en": ""},
    "pretest.no_pre_periods": {
        "id": "tidak dapat diuji: tidak ada periode sebelum program",
        "en": "not testable: no pre-programme periods",
    },
    "pretest.singular": {
        "id": "tidak dapat diuji: kovarians singular (terlalu sedikit unit per gelombang)",
        "en": "not testable: singular covariance (too few units per wave)",
    },
    "pretest.too_few_clusters": {
        "id": "tidak dapat diuji: klaster lebih sedikit dari yang diuji",
        "en": "not testable: fewer clusters than restrictions",
    },
    "col.outcome": {"id": "Ukuran", "en": "Outcome"},
    "col.estimate": {"id": "Dampak", "en": "Effect"},
    "col.ci": {"id": "Selang {level}%", "en": "{level}% CI"},
    "col.percent": {"id": "Dampak (%)", "en": "Effect (%)"},
    "col.pretrend_p": {"id": "p pra-tren", "en": "Pre-trend p"},
    "col.units": {"id": "Unit", "en": "Units"},
    "col.verdict": {"id": "Kesimpulan", "en": "Conclusion"},
    "units.split": {"id": "{treated} ikut / {never} tidak", "en": "{treated} in / {never} never"},
    "col.check": {"id": "Uji", "en": "Check"},
    "outcome.median_wait_minutes": {
        "id": "Median waktu tunggu (menit)",
        "en": "Median waiting time (minutes)",
    },
    "outcome.ikm": {"id": "IKM (poin, skala 25-100)", "en": "IKM (points, 25-100 scale)"},
    "outcome.share_within_standard": {
        "id": "Porsi dilayani sesuai standar",
        "en": "Share served within standard",
    },
    "outcome.p90_wait_minutes": {
        "id": "Persentil 90 waktu tunggu (menit)",
        "en": "90th percentile wait (minutes)",
    },
    # ------------------------------------------------------------------ headers of the other published tables
    "col.sector": {"id": "Sektor", "en": "Sector"},
    "col.se": {"id": "Galat baku", "en": "SE"},
    "col.ci_low": {"id": "Batas bawah selang", "en": "CI lower bound"},
    "col.ci_high": {"id": "Batas atas selang", "en": "CI upper bound"},
    "col.n_units": {"id": "Unit", "en": "Units"},
    "col.note": {"id": "Catatan", "en": "Note"},
    "col.dose_group": {"id": "Kelompok dosis", "en": "Dose group"},
    "col.dose_range": {
        "id": "JP per pegawai: min - maks (rata-rata)",
        "en": "JP per staff: min - max (mean)",
    },
    "col.n_treated_units": {"id": "Unit yang ikut", "en": "Treated units"},
    "col.city": {"id": "Kota", "en": "City"},
    "col.n_treated": {"id": "Unit yang ikut", "en": "Treated units"},
    "col.n_never": {"id": "Unit yang tidak pernah ikut", "en": "Never-treated units"},
    "col.group": {"id": "Kelompok", "en": "Group"},
    "col.group_name": {"id": "Kelompok", "en": "Group"},
    "col.name": {"id": "Nama", "en": "Name"},
    "col.staff": {"id": "Pegawai", "en": "Staff"},
    "col.people": {"id": "Pegawai", "en": "Staff"},
    "col.share": {"id": "Porsi", "en": "Share"},
    "col.jaccard": {"id": "Jaccard bootstrap", "en": "Bootstrap Jaccard"},
    "col.band": {"id": "Stabilitas", "en": "Stability"},
    "col.agency": {"id": "Perangkat daerah", "en": "Agency"},
    "col.total": {"id": "Jumlah", "en": "Total"},
    "col.training_code": {"id": "Kode pelatihan", "en": "Training code"},
    "col.competency": {"id": "Kompetensi", "en": "Competency"},
    "col.mode": {"id": "Bentuk", "en": "Mode"},
    "col.participants": {"id": "Peserta", "en": "Participants"},
    "col.enrolments": {"id": "Penempatan pelatihan", "en": "Enrolments"},
    "col.jp": {"id": "JP", "en": "JP"},
    "col.cost_idr": {"id": "Biaya (Rp)", "en": "Cost (IDR)"},
    "col.mean_jp": {"id": "Rata-rata JP", "en": "Mean JP"},
    "col.meets_20_jp": {"id": "Pegawai >= 20 JP", "en": "Staff with >= 20 JP"},
    "col.share_20_jp": {"id": "Porsi >= 20 JP", "en": "Share with >= 20 JP"},
    "col.recognition": {"id": "Untuk penghargaan (kotak 7-9)", "en": "For recognition (boxes 7-9)"},
    "col.coaching": {"id": "Untuk coaching (kotak 1-3)", "en": "For coaching (boxes 1-3)"},
    "col.position_class": {"id": "Kelas jabatan", "en": "Position class"},
    "col.standard": {"id": "Level standar", "en": "Standard level"},
    "col.recorded": {"id": "Level yang dicatat", "en": "Recorded level"},
    "col.what": {"id": "Jenis", "en": "Kind"},
    "col.value": {"id": "Nilai", "en": "Value"},
    "band.stable": {"id": "stabil", "en": "stable"},
    "band.doubtful": {"id": "meragukan", "en": "doubtful"},
    "band.unreliable": {"id": "tidak andal", "en": "unreliable"},
    "band.not_assessed": {"id": "tidak dinilai", "en": "not assessed"},
    "mode.classroom": {"id": "klasikal", "en": "classroom"},
    "mode.e-learning": {"id": "e-learning", "en": "e-learning"},
    "mode.on-the-job": {"id": "di tempat kerja / magang", "en": "on the job"},
    "mode.coaching": {"id": "coaching", "en": "coaching"},
    "mode.mentoring": {"id": "mentoring", "en": "mentoring"},
    "what.data_file": {"id": "berkas data", "en": "data file"},
    "what.parameter": {"id": "parameter", "en": "parameter"},
    "what.asn-kinerja": {"id": "asn-kinerja", "en": "asn-kinerja"},
    "what.run": {"id": "eksekusi", "en": "run"},
    "what.software": {"id": "perangkat lunak", "en": "software"},
    "note.thin": {
        "id": "kurang dari {min_units} unit: terlalu sedikit untuk diestimasi",
        "en": "fewer than {min_units} units: too few to estimate",
    },
    "note.failed": {"id": "tidak dapat diestimasi: {reason}", "en": "could not be estimated: {reason}"},
    "check.imputation": {
        "id": "Imputasi (Borusyak-Jaravel-Spiess)",
        "en": "Imputation (Borusyak-Jaravel-Spiess)",
    },
    "check.callaway_santanna": {
        "id": "Callaway-Sant'Anna, pembanding {control}",
        "en": "Callaway-Sant'Anna, {control} comparison",
    },
    "check.sun_abraham": {
        "id": "Sun-Abraham (pembanding: unit yang tidak pernah ikut)",
        "en": "Sun-Abraham (never-treated comparison)",
    },
    "check.main_imputation": {
        "id": "Utama: {estimator} (pembanding: bulan-bulan tanpa program)",
        "en": "Main: {estimator} (comparison: months without the programme)",
    },
    "check.main": {
        "id": "Utama: {estimator}, pembanding {control}",
        "en": "Main: {estimator}, {control} comparison",
    },
    "check.other_control": {"id": "Pembanding {control}", "en": "{control} comparison"},
    "check.twfe": {
        "id": "TWFE biasa (pembanding; bias bila dampak bertahap)",
        "en": "Plain TWFE (contrast; biased with staggered, growing effects)",
    },
    "check.placebo": {
        "id": "Plasebo: tanggal mulai {shift} periode lebih awal (harus ~0)",
        "en": "Placebo: start dates {shift} periods earlier (should be ~0)",
    },
    "check.loo": {"id": "Tanpa gelombang {cohort}", "en": "Without wave {cohort}"},
    "control.not_yet_treated": {"id": "unit yang belum ikut", "en": "not-yet-treated"},
    "control.never_treated": {"id": "unit yang tidak pernah ikut", "en": "never-treated"},
    "sector.health": {"id": "Kesehatan (Puskesmas)", "en": "Health (Puskesmas)"},
    "sector.civil_registration": {"id": "Administrasi kependudukan", "en": "Civil registration"},
    "sector.licensing": {"id": "Perizinan", "en": "Licensing"},
    "sector.kelurahan": {"id": "Kelurahan", "en": "Kelurahan offices"},
    "sector.education": {"id": "Pendidikan", "en": "Education"},
    "sector.administration": {"id": "Administrasi OPD", "en": "Agency administration"},
    "plot.by_sector": {
        "id": "{outcome} menurut sektor (n = {n} unit)",
        "en": "{outcome} by sector (n = {n} units)",
    },
    # ------------------------------------------------------------------ plot labels
    "axis.month": {"id": "Bulan", "en": "Month"},
    "axis.quarter": {"id": "Triwulan", "en": "Quarter"},
    "axis.event_month": {"id": "Bulan sejak program dimulai", "en": "Months since programme start"},
    "axis.event_quarter": {"id": "Triwulan sejak program dimulai", "en": "Quarters since programme start"},
    "axis.effect": {"id": "Dampak pada {outcome}", "en": "Effect on {outcome}"},
    "axis.units": {"id": "Jumlah unit", "en": "Number of units"},
    "axis.unit": {"id": "Unit layanan", "en": "Service unit"},
    "legend.never": {"id": "belum pernah ikut", "en": "never treated"},
    "legend.wave": {"id": "gelombang {start}", "en": "wave {start}"},
    "plot.timing": {
        "id": "Peluncuran program per gelombang (n = {n} unit)",
        "en": "Programme roll-out by wave (n = {n} units)",
    },
    "plot.trends": {
        "id": "{outcome}: rata-rata per gelombang (n = {n} unit)",
        "en": "{outcome}: mean by wave (n = {n} units)",
    },
    "plot.pre_period": {
        "id": "Sebelum program: {outcome} (n = {n} unit)",
        "en": "Before the programme: {outcome} (n = {n} units)",
    },
    "axis.vs_reference": {
        "id": "Selisih terhadap periode acuan ({unit})",
        "en": "Difference from the reference period ({unit})",
    },
    "plot.joint_window": {
        "id": "jendela uji gabungan ({n} periode)",
        "en": "joint test window ({n} periods)",
    },
    "plot.reference": {"id": "periode acuan (= 0)", "en": "reference period (= 0)"},
    "plot.event": {"id": "Dampak pada {outcome} (n = {n} unit)", "en": "Effect on {outcome} (n = {n} units)"},
    "plot.ikm": {
        "id": "IKM per unit, {year} (n = {n} unit; garis = batas mutu)",
        "en": "IKM per unit, {year} (n = {n} units; lines = quality bands)",
    },
    "plot.forest": {"id": "{title}", "en": "{title}"},
}


def msg(key: str, lang: str = "id", **values) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``; an unknown key is an error, not a blank."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return _FORMATTER.format(MESSAGES[key][lang], **values)


class _Formatter(string.Formatter):
    """str.format, except that a hidden number (its marker, '<10' or 'x') is shown as it is where the text
    formats a number ('{people:,}')."""

    def format_field(self, value, format_spec):
        if isinstance(value, str) and format_spec and not format_spec.endswith("s"):
            return value
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def show(key: str, lang: str = "id", **values) -> None:
    """Display a catalogue entry as Markdown in a notebook (the narrative of a report)."""
    from IPython.display import Markdown, display

    display(Markdown(msg(key, lang, **values)))


#: Columns whose values are codes, shown through the catalogue as ``<prefix>.<code>`` (spaces as underscores).
CODED_COLUMNS = {"sector": "sector", "band": "band", "mode": "mode", "verdict": "verdict", "what": "what"}


def localise(table, lang: str = "id"):
    """A table as published: column headers from the catalogue (``col.<column>``) and coded values (sector, band,
    training mode, verdict, provenance kind) in ``lang``. Columns without an entry hold data values (agency
    and group names, SKP predicates, 9-box numbers) and keep them."""
    out = table.copy()
    if (
        "competency" in out.columns
    ):  # 'Pelayanan Publik (M.05)': the name a reader knows, the code of the standard
        names = competency_names(lang)
        out["competency"] = out["competency"].map(lambda c: f"{names[c]} ({c})" if c in names.index else c)
    for column, prefix in CODED_COLUMNS.items():
        if column in out.columns:
            out[column] = out[column].map(
                lambda v, p=prefix: (
                    msg(f"{p}.{v}".replace(" ", "_"), lang)
                    if isinstance(v, str) and f"{p}.{v}".replace(" ", "_") in MESSAGES
                    else v
                )
            )
    return out.rename(
        columns=lambda c: (
            msg(f"col.{c}", lang)
            if isinstance(c, str) and f"col.{c}" in MESSAGES and "{" not in MESSAGES[f"col.{c}"][lang]
            else c
        )
    )


def number_text(value):
    """A table cell as published: two decimals for fractions, and from 10 000 on the digits grouped in threes by a
    narrow space (SI style, the same in both languages: a point or a comma would read as the decimal mark in one
    of them; years and counts under 10 000 stay as they are). Anything else is shown as it is."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    big = abs(value) >= 10_000
    if isinstance(value, numbers.Integral):
        return f"{value:,d}".replace(",", "\u202f") if big else f"{value:d}"
    return f"{value:,.2f}".replace(",", "\u202f") if big else f"{value:.2f}"


_NUMBER_LIKE = re.compile(r"[-+<>=.,%()\d\s]+")  # 12, <10, -13.39 .. -4.21, 2.0 - 9.0 (6.2)


def text_columns(table) -> list:
    """Columns that hold words (names, notes, labels), which read best aligned left; numbers, suppressed counts
    ('<10') and intervals stay aligned right, under each other."""
    out = []
    for column in table.columns:
        values = table[column].dropna()
        values = values[
            values.map(lambda v: not (isinstance(v, str) and not v.strip()))
        ]  # blanks say nothing
        words = values.map(lambda v: isinstance(v, str) and not _NUMBER_LIKE.fullmatch(v))
        if len(values) and words.mean() > 0.5:
            out.append(column)
    return out


def show_table(table, lang: str | None = None, caption: str = "") -> None:
    """Display a report table without the row index (it means nothing to a reader); with ``lang``, headers and
    coded values come from the catalogue (:func:`localise`); ``caption`` says what the table is about."""
    from IPython.display import display

    if lang is not None:
        table = localise(table, lang)
    styler = table.style.hide(axis="index").format(number_text)
    left = [{"selector": cell, "props": "text-align: left"} for cell in ("th", "td")]
    styler = styler.set_table_styles({c: left for c in text_columns(table)}, overwrite=False)
    if caption:
        styler = styler.set_caption(caption)
    display(styler)


GROUP_NAME_PARTS = {
    "id": {"meets standard": "memenuhi standar", "shortfall: ": "kurang: ", " and more": " dan lainnya"},
    "en": {},
}


def group_name(name: str, lang: str = "id") -> str:
    """A staff group's plain name (built in English by competency.name_profiles) in the report language."""
    for en, local in GROUP_NAME_PARTS[lang].items():
        name = name.replace(en, local)
    if lang == "en":  # the competencies it lists are named from the standard's (Indonesian) names
        local, english = competency_names("id"), competency_names("en")
        for code in sorted(local.index, key=lambda c: -len(local[c])):
            name = name.replace(local[code], english[code])
    return name


def did_notes(result, lang: str = "id") -> list[str]:
    """What the DiD estimator did to the panel or found in it (:attr:`DidResult.notes`, codes), in words."""
    return [msg(f"did.{code}", lang, **fields) for code, fields in result.notes]


def section_why(section, lang: str = "id") -> str:
    """Why a report section (:class:`analysis.methods.readiness.Section`) is skipped, in words ('' when it runs)."""
    return msg(f"ready.{section.reason}", lang, **section.fields) if section.reason else ""


def section_line(section, lang: str = "id") -> str:
    """'Programme effects report / effect on IKM: skipped: ...' (what validate prints)."""
    why = section_why(section, lang)
    state = msg("ready.skipped", lang, why=why) if not section.runs else msg("ready.runs", lang)
    if section.runs and section.reason:
        state = why
    report = msg(f"ready.report.{section.report}", lang)
    return f"{report} / {msg(f'ready.section.{section.name}', lang)}: {state}"
