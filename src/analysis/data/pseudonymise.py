"""Replace NIPs by a keyed hash and derive sex, birth year and appointment year first.

The 18-digit NIP (Perka BKN 22/2007: ``YYYYMMDD YYYYMM G NNN``) carries birth date, appointment month and sex,
so it is quasi-identifying personal data under UU 27/2022 (PDP). Ingestion derives what the analyses need,
then replaces the NIP by HMAC-SHA256 with a secret key and drops names; nothing downstream sees either.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import KEY_ENV, KEY_FILE

#: Columns that hold names or other direct identifiers; dropped at ingestion wherever they appear.
NAME_COLUMNS = (
    "nama",
    "name",
    "nama_lengkap",
    "full_name",
    "nik",
    "telepon",
    "phone",
    "email",
    "alamat",
    "address",
)
#: Length of the hex staff_id kept from the HMAC digest (80 bits: no collision at national scale).
STAFF_ID_HEX = 20

_NIP = re.compile(r"[0-9]{18}")  # ASCII digits only (\d also matches other scripts' digits)


#: Shortest key accepted: 32 characters (the generated key is 64 hex characters, 256 bits).
MIN_KEY_CHARS = 32


class KeyProblem(ValueError):
    """The HMAC key is missing, too short or readable by others: hashing with it would not protect anyone.
    The message says what to do, in Bahasa Indonesia and English (the CLI prints it without a traceback)."""


def load_key(key_file: Path | None = None) -> bytes:
    """The HMAC key: the environment variable when set, else the git-ignored key file, created on first use.

    Creation is atomic: the key is written to a private temporary file and hard-linked into place, which fails
    if another process got there first, so concurrent first uses (two report workers on a fresh clone) all
    read the one complete key; none can read a half-written or empty file. The file is created with mode
    0600. An empty or short key, or a key file that group or others may read, is refused: with a known or
    guessable key anyone can recompute the hash of a NIP.
    """
    env = os.environ.get(KEY_ENV)
    if env is not None:
        return _checked(env.strip(), f"${KEY_ENV}")
    path = Path(key_file or KEY_FILE)
    if not path.exists():
        _create_key_file(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyProblem(
            f"Berkas kunci {path.name} dapat dibaca pengguna lain (mode {mode:o}); jalankan: chmod 600 {path.name}. "
            f"/ The key file {path.name} is readable by other users (mode {mode:o}); run: chmod 600 {path.name}."
        )
    return _checked(path.read_text().strip(), f"the key file {path.name}")


def _checked(key: str, source: str) -> bytes:
    if len(key) < MIN_KEY_CHARS:
        what = "kosong" if not key else f"hanya {len(key)} karakter"
        raise KeyProblem(
            f"Kunci HMAC dari {source} {what}; dibutuhkan paling sedikit {MIN_KEY_CHARS} karakter acak "
            f"(contoh: python -c 'import secrets; print(secrets.token_hex(32))'). "
            f"/ The HMAC key from {source} is {'empty' if not key else f'only {len(key)} characters'}; use at "
            f"least {MIN_KEY_CHARS} random characters."
        )
    return key.encode()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic: fails if the key already exists
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        os.unlink(tmp)


def staff_id_for(nip: str, key: bytes) -> str:
    """Keyed hash of one NIP: stable for a key, useless without it."""
    return hmac.new(key, nip.encode(), hashlib.sha256).hexdigest()[:STAFF_ID_HEX]


def hash_nips(nips: pd.Series, key: bytes) -> pd.Series:
    """Vector version of :func:`staff_id_for` (hashes each distinct NIP once)."""
    values = nips.astype(object).where(nips.notna(), None)
    mapping = {n: staff_id_for(str(n), key) for n in pd.unique(values.dropna())}
    return pd.Series(
        [mapping.get(v) if v is not None else None for v in values], index=nips.index, dtype=object
    )


def nip_problems(nip: str, asn_type: str | None = None) -> str | None:
    """Why a NIP is malformed, or None.

    PPPK numbers (NI PPPK) carry a 2-digit code where a PNS NIP has the appointment month, so the month is
    only checked when the row says the person is a PNS.
    """
    if not _NIP.fullmatch(nip):
        return "not_18_digits"
    if nip[15:] == "000":  # serials start at 001: 000 is what Excel's 15 significant digits leave
        return "excel_rounded"
    try:
        pd.Timestamp(year=int(nip[0:4]), month=int(nip[4:6]), day=int(nip[6:8]))
    except ValueError:
        return "bad_birth_date"
    if not 1900 <= int(nip[8:12]) <= 2100:
        return "bad_appointment"
    if asn_type == "PNS" and not 1 <= int(nip[12:14]) <= 12:
        return "bad_appointment"
    if nip[14] not in "12":
        return "bad_sex_digit"
    return None


def nip_problems_many(nips: pd.Series, asn_type: pd.Series | None = None) -> pd.Series:
    """:func:`nip_problems` for a whole column at once (same rules, same reasons; a property test keeps them equal).

    Vectorised because a city's tables hold a NIP on every row (Medan: 180,000 rows), and the country 4 million.
    """
    s = nips.astype("string").fillna("")
    digits = s.str.fullmatch(_NIP.pattern).fillna(False).astype(bool)

    def part(a: int, b: int) -> pd.Series:  # digits a..b as a number (NaN where the NIP is not 18 digits)
        text = s.str[a:b].where(digits).to_numpy(dtype=object, na_value=np.nan)
        return pd.Series(pd.to_numeric(text, errors="coerce"), index=s.index, dtype="float64")

    born = pd.to_datetime(
        pd.DataFrame({"year": part(0, 4), "month": part(4, 6), "day": part(6, 8)}), errors="coerce"
    )
    appointed, month, sex = part(8, 12), part(12, 14), s.str[14:15]
    pns = asn_type.astype("string").eq("PNS").fillna(False).astype(bool) if asn_type is not None else False
    reason = pd.Series([None] * len(s), index=s.index, dtype=object)
    # the scalar function returns the first failing rule: fill in reverse order of precedence
    reason[digits & ~sex.isin(["1", "2"])] = "bad_sex_digit"
    reason[digits & (~appointed.between(1900, 2100) | (pns & ~month.between(1, 12)))] = "bad_appointment"
    reason[digits & born.isna()] = "bad_birth_date"
    reason[digits & s.str[15:18].eq("000").fillna(False).astype(bool)] = "excel_rounded"
    reason[~digits] = "not_18_digits"
    return reason


#: How a NIP cell looks after Excel stored it as a number: scientific notation (1.9E+17, 1,9E+17) or all
#: its digits followed by a decimal part of zeros (".0").
EXCEL_NUMBER = re.compile(r"^\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*$|^\s*\d{15,18}[.,]0+\s*$")


def excel_number(values: pd.Series) -> pd.Series:
    """Cells that hold a NIP as Excel wrote a number (scientific notation, or a trailing .0)."""
    return values.astype("string").str.match(EXCEL_NUMBER.pattern).fillna(False).astype(bool)


def derive_from_nip(nips: pd.Series) -> pd.DataFrame:
    """sex (L/P), birth_year and hire_year from well-formed NIPs (rows with bad NIPs get missing values)."""
    s = nips.astype("string")
    ok = s.str.fullmatch(_NIP.pattern).fillna(False)
    out = pd.DataFrame(index=nips.index)
    out["birth_year"] = pd.to_numeric(s.str[0:4].where(ok), errors="coerce").astype("Int64")
    out["hire_year"] = pd.to_numeric(s.str[8:12].where(ok), errors="coerce").astype("Int64")
    sex_digit = s.str[14].where(ok)
    out["sex"] = sex_digit.map({"1": "L", "2": "P"}).astype("string")
    return out


def mask_nip(value: object) -> str:
    """Show a NIP in an error message without disclosing it: its length and last three digits only."""
    text = "" if value is None or pd.isna(value) else str(value)
    if not text:
        return "(empty)"
    if len(text) <= 3:
        return text
    return "*" * (len(text) - 3) + text[-3:]
