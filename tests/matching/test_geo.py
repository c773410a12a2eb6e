import pytest

from matching.geo import france_communes, haversine_km


def test_haversine_nantes_paris():
    assert haversine_km(47.2184, -1.5536, 48.8566, 2.3522) == pytest.approx(343, abs=3)


@pytest.mark.parametrize("name", ["Saint-Herblain", "ST HERBLAIN", "saint herblain",
                                  "Saint Herblain"])
def test_lookup_folds_names(name):
    commune = france_communes().lookup(name)
    assert commune is not None and commune.in_metropole


def test_lookup_outside_metropole_and_arrondissements():
    table = france_communes()
    assert table.lookup("Treillières").in_metropole is False
    paris = table.lookup("Paris")
    assert paris is not None and paris.lat == pytest.approx(48.86, abs=0.05)
    assert table.lookup("Nowhere-sur-Mer") is None
