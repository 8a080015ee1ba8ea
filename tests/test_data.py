import pytest

from valorrepl import data


def test_generators_are_seeded_and_labelled():
    assert data.moons(seed=1).xs == data.moons(seed=1).xs != data.moons(seed=2).xs
    for dataset in (data.moons(), data.circles(), data.xor()):
        assert set(dataset.ys) == {-1.0, 1.0} and dataset.task == "classification"
    assert len(data.moons(n=30)) == 30 and len(data.circles(n=40)) == 40


def test_penguins_drops_missing_rows_and_scales():
    penguins = data.penguins()
    assert len(penguins) == 342 and penguins.target == "body_mass_g"
    assert penguins.features == ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]
    assert min(penguins.ys) == 0.0 and max(penguins.ys) == 1.0
    assert penguins.unscale(1.0) == 6300.0 and penguins.unscale(0.0) == 2700.0


def test_csv_target_and_features(tmp_path):
    path = tmp_path / "plants.csv"
    path.write_text("height,name,water,growth\n1,a,2,3\n2,b,NA,5\n3,c,4,7\n")
    dataset = data.load_csv(path, "growth")
    assert dataset.features == ["height", "water"] and len(dataset) == 2
    assert dataset.xs == [[0.0, 0.0], [1.0, 1.0]]


@pytest.mark.parametrize("text, where", [
    ("a,b\n1,2\n3,x\n", ":3:2:"),
    ("a,b\n1,2\n3\n", ":3:"),
    ("", ":1:"),
])
def test_malformed_csv_names_file_line_and_column(tmp_path, text, where):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(data.DataFormatError) as info:
        data.load_csv(path, "b", ["a"])
    assert str(path) + where in str(info.value)


def test_unknown_column_lists_the_real_ones(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(data.DataFormatError, match="columns are a, b"):
        data.load_csv(path, "c")
