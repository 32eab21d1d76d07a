"""Properties of the resident ID check over generated numbers (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundguard.core.errors import DomainError
from fundguard.customers.tests.conftest import resident_id
from fundguard.customers.validation import id_number_clean, resident_id_gender

TODAY = date(2026, 11, 23)
# Region codes valid over the whole range of birth dates below (Beijing, Shanghai, Shenzhen).
REGIONS = ["110101", "110105", "310104", "310115", "440305"]

births = st.dates(min_value=date(1950, 1, 1), max_value=TODAY - timedelta(days=1))
serials = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@given(birth=births, region=st.sampled_from(REGIONS), serial=serials)
def test_every_well_formed_number_passes_with_its_own_gender(birth, region, serial):
    number = resident_id(birth.strftime("%Y%m%d"), region, serial)

    gender = resident_id_gender(number)

    assert id_number_clean("cn_resident_id", number, gender=gender, today=TODAY) == number
    assert gender == ("male" if int(serial[-1]) % 2 else "female")


@given(
    birth=births,
    region=st.sampled_from(REGIONS),
    serial=serials,
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_changed_digit_is_refused(birth, region, serial, position, delta):
    number = resident_id(birth.strftime("%Y%m%d"), region, serial)
    changed = str((int(number[position]) + delta) % 10)
    broken = number[:position] + changed + number[position + 1 :]

    with pytest.raises(DomainError) as caught:
        id_number_clean("cn_resident_id", broken, today=TODAY)

    # MOD 11-2 catches every single-digit substitution.
    assert caught.value.params["reason_code"] == "checksum"
