"""donations never depends on the donor portal: it tells it things through its signals."""

from tests.test_app_boundaries import _offenders


def test_donations_never_imports_the_donor_portal():
    assert _offenders("donations", "donor_portal") == []
