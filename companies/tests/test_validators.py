import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from companies.models import Employee
from companies.validators import is_valid_cvr, validate_cvr
from tests.factories import CompanyFactory, EmployeeGroupFactory


@pytest.mark.parametrize("cvr", ["10150817", "30060946", "25313763"])
def test_known_valid_cvr_numbers_pass(cvr):
    assert is_valid_cvr(cvr)
    validate_cvr(cvr)


@pytest.mark.parametrize("cvr", ["10150818", "30060947", "12345678"])
def test_wrong_check_digit_is_rejected_with_checksum_message(cvr):
    with pytest.raises(ValidationError) as error:
        validate_cvr(cvr)
    assert error.value.code == "cvr_checksum"


@pytest.mark.parametrize("cvr", ["1015081", "101508171", "1015O817", "", "1015 817"])
def test_cvr_must_be_eight_digits(cvr):
    with pytest.raises(ValidationError) as error:
        validate_cvr(cvr)
    assert error.value.code == "cvr_format"


def test_cvr_starting_with_zero_is_invalid():
    # 0 + weighted digits could sum to a multiple of 11, but CVR numbers never start with 0.
    assert not is_valid_cvr("00000000")


@pytest.mark.django_db
def test_company_full_clean_reports_cvr_at_the_field():
    company = CompanyFactory.build(cvr="10150818")
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert list(error.value.message_dict) == ["cvr"]


@pytest.mark.django_db
def test_cvr_is_unique_in_the_database():
    CompanyFactory(cvr="10150817")
    with pytest.raises(IntegrityError):
        CompanyFactory(cvr="10150817")


@pytest.mark.django_db
def test_employee_group_must_belong_to_the_same_company():
    group = EmployeeGroupFactory()
    employee = Employee(company=CompanyFactory(), name="Anna", group=group)
    with pytest.raises(ValidationError) as error:
        employee.full_clean()
    assert "group" in error.value.message_dict


@pytest.mark.parametrize(
    ("level", "eligible"),
    [("unskilled", True), ("skilled", True), ("short_higher", False), ("unknown", False)],
)
def test_veu_eligibility_follows_education_up_to_skilled_level(level, eligible):
    assert Employee(education_level=level).is_veu_eligible is eligible
