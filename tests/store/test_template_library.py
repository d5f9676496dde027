"""Tests of the template library: shipped and user templates, import and export."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from kvtui.domain.templates import TemplateError
from kvtui.store.template_library import (
    SHIPPED_SOURCE,
    TemplateNotFound,
    export_template,
    import_template,
    list_templates,
    load_template,
)

SHIPPED = {"barnavardsutredning", "familjevard"}


def shipped_text(name: str) -> str:
    return files("kvtui.templates").joinpath(f"{name}.toml").read_text(encoding="utf-8")


def own_template(title: str = "Egen mall") -> str:
    return shipped_text("familjevard").replace(
        'title = "Familjevård – placerade barn"', f'title = "{title}"'
    )


def test_list_shipped_templates() -> None:
    infos = list_templates(None)
    assert [i.name for i in infos] == sorted(SHIPPED)
    by_name = {i.name: i for i in infos}
    assert by_name["familjevard"].title == "Familjevård – placerade barn"
    assert by_name["barnavardsutredning"].title == "Barnavårdsutredning – anmälan och utredning"
    assert all(i.source == SHIPPED_SOURCE == "inbyggd" for i in infos)
    assert all(i.version == "1.1" and i.error == "" for i in infos)


def test_missing_user_dir_lists_only_shipped(tmp_path: Path) -> None:
    assert {i.name for i in list_templates(tmp_path / "finns-inte")} == SHIPPED


def test_user_templates_are_listed_and_override_shipped(tmp_path: Path) -> None:
    (tmp_path / "familjevard.toml").write_text(own_template("Vår familjevård"), encoding="utf-8")
    (tmp_path / "egen.toml").write_text(own_template(), encoding="utf-8")
    (tmp_path / "trasig.toml").write_text('title = "Trasig"\n', encoding="utf-8")
    (tmp_path / "anteckning.txt").write_text("inte en mall", encoding="utf-8")
    infos = {i.name: i for i in list_templates(tmp_path)}
    assert set(infos) == SHIPPED | {"egen", "trasig"}
    assert infos["familjevard"].title == "Vår familjevård"
    assert infos["familjevard"].source == str(tmp_path / "familjevard.toml")
    assert infos["barnavardsutredning"].source == SHIPPED_SOURCE
    assert infos["egen"].title == "Egen mall"
    assert infos["trasig"].error
    assert "nyckeln saknas" in infos["trasig"].error
    assert str(tmp_path / "trasig.toml") in infos["trasig"].error


def test_load_shipped_returns_parsed_and_raw_text() -> None:
    template, text = load_template("familjevard", None)
    assert template.name == "familjevard"
    assert len(template.criteria) == 19
    assert text == shipped_text("familjevard")


def test_load_prefers_the_user_copy(tmp_path: Path) -> None:
    (tmp_path / "familjevard.toml").write_text(own_template("Vår familjevård"), encoding="utf-8")
    template, text = load_template("familjevard", tmp_path)
    assert template.title == "Vår familjevård"
    assert 'title = "Vår familjevård"' in text
    template, _ = load_template("barnavardsutredning", tmp_path)
    assert template.title == "Barnavårdsutredning – anmälan och utredning"


def test_load_unknown_name_lists_available(tmp_path: Path) -> None:
    (tmp_path / "egen.toml").write_text(own_template(), encoding="utf-8")
    with pytest.raises(TemplateNotFound) as info:
        load_template("famljevard", tmp_path)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == (
        "Mallen 'famljevard' finns inte. Tillgängliga mallar: barnavardsutredning, egen, "
        "familjevard."
    )


def test_load_broken_user_template_raises_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "trasig.toml"
    path.write_text('title = "T"\nversion = 2\n', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template("trasig", tmp_path)
    assert f"{path}, rad 2, version: fel typ" in str(info.value)


def test_export_copies_the_file_unchanged(tmp_path: Path) -> None:
    target = export_template("barnavardsutredning", tmp_path, None)
    assert target == tmp_path / "barnavardsutredning.toml"
    assert target.read_text(encoding="utf-8") == shipped_text("barnavardsutredning")
    named = export_template("familjevard", tmp_path / "kopia.toml", None)
    assert named == tmp_path / "kopia.toml"
    assert named.read_bytes() == files("kvtui.templates").joinpath("familjevard.toml").read_bytes()


def test_export_refuses_to_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "familjevard.toml"
    existing.write_text("redigerad", encoding="utf-8")
    with pytest.raises(FileExistsError, match="finns redan"):
        export_template("familjevard", tmp_path, None)
    with pytest.raises(FileExistsError, match="finns redan"):
        export_template("familjevard", existing, None)
    assert existing.read_text(encoding="utf-8") == "redigerad"


def test_export_unknown_name_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(TemplateNotFound):
        export_template("okänd", tmp_path, None)
    with pytest.raises(FileNotFoundError, match="finns inte"):
        export_template("familjevard", tmp_path / "saknas" / "mall.toml", None)


def test_export_user_template(tmp_path: Path) -> None:
    user_dir = tmp_path / "mallar"
    user_dir.mkdir()
    (user_dir / "egen.toml").write_text(own_template(), encoding="utf-8")
    out = tmp_path / "ut"
    out.mkdir()
    target = export_template("egen", out, user_dir)
    assert target.read_text(encoding="utf-8") == own_template()


def test_import_installs_and_lists(tmp_path: Path) -> None:
    src = tmp_path / "hemtjanst.toml"
    src.write_text(own_template("Hemtjänst"), encoding="utf-8")
    user_dir = tmp_path / "mallar"
    template = import_template(src, user_dir)
    assert template.name == "hemtjanst"
    assert template.title == "Hemtjänst"
    assert (user_dir / "hemtjanst.toml").read_text(encoding="utf-8") == own_template("Hemtjänst")
    assert "hemtjanst" in {i.name for i in list_templates(user_dir)}
    loaded, _ = load_template("hemtjanst", user_dir)
    assert loaded == template
    assert [p.name for p in user_dir.iterdir()] == ["hemtjanst.toml"]


def test_import_refuses_overwrite_unless_replace(tmp_path: Path) -> None:
    src = tmp_path / "egen.toml"
    src.write_text(own_template("Första"), encoding="utf-8")
    user_dir = tmp_path / "mallar"
    import_template(src, user_dir)
    src.write_text(own_template("Andra"), encoding="utf-8")
    with pytest.raises(FileExistsError, match="Det finns redan en egen mall som heter 'egen'"):
        import_template(src, user_dir)
    assert load_template("egen", user_dir)[0].title == "Första"
    assert import_template(src, user_dir, replace=True).title == "Andra"
    assert load_template("egen", user_dir)[0].title == "Andra"


def test_import_with_a_shipped_name_overrides_it(tmp_path: Path) -> None:
    src = tmp_path / "familjevard.toml"
    src.write_text(own_template("Vår familjevård"), encoding="utf-8")
    user_dir = tmp_path / "mallar"
    import_template(src, user_dir)
    assert load_template("familjevard", user_dir)[0].title == "Vår familjevård"


def test_import_refuses_an_invalid_file(tmp_path: Path) -> None:
    src = tmp_path / "trasig.toml"
    src.write_text(own_template().replace('kind = "count"', 'kind = "antal"'), encoding="utf-8")
    user_dir = tmp_path / "mallar"
    with pytest.raises(TemplateError) as info:
        import_template(src, user_dir)
    (problem,) = info.value.problems
    assert problem.source == str(src)
    assert problem.key == "criteria[13].kind"
    assert src.read_text(encoding="utf-8").splitlines()[problem.line - 1] == 'kind = "antal"'
    assert not user_dir.exists()


def test_import_refuses_a_file_not_in_utf8(tmp_path: Path) -> None:
    src = tmp_path / "ansi.toml"
    src.write_bytes(own_template("Hemtjänst").encode("cp1252"))
    with pytest.raises(TemplateError, match="UTF-8"):
        import_template(src, tmp_path / "mallar")
    assert not (tmp_path / "mallar").exists()


def test_import_accepts_a_utf8_bom(tmp_path: Path) -> None:
    src = tmp_path / "bom.toml"
    src.write_bytes(own_template("Med BOM").encode("utf-8-sig"))
    assert import_template(src, tmp_path / "mallar").title == "Med BOM"
    assert load_template("bom", tmp_path / "mallar")[0].title == "Med BOM"


def test_import_refuses_an_unusable_file_name(tmp_path: Path) -> None:
    src = tmp_path / "min mall.toml"
    src.write_text(own_template(), encoding="utf-8")
    with pytest.raises(TemplateError, match="går inte att använda som mallnamn"):
        import_template(src, tmp_path / "mallar")


def test_import_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="finns inte"):
        import_template(tmp_path / "saknas.toml", tmp_path / "mallar")


def test_import_refuses_a_huge_file_without_reading_it_all(tmp_path: Path) -> None:
    src = tmp_path / "stor.toml"
    with src.open("wb") as handle:
        handle.write(own_template().encode())
        handle.truncate(200 * 1024 * 1024)  # 200 MB, mostly a sparse hole of NUL bytes
    with pytest.raises(TemplateError) as info:
        import_template(src, tmp_path / "mallar")
    assert str(info.value) == (
        f"{src}: filen är större än 1 MB; en mall får vara högst 262\u00a0144 tecken")
    assert not (tmp_path / "mallar").exists()


def test_a_hostile_template_put_in_the_folder_by_hand_is_listed_with_its_problem(
    tmp_path: Path,
) -> None:
    user_dir = tmp_path / "mallar"
    user_dir.mkdir()
    (user_dir / "djup.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n",
                                        encoding="utf-8")
    (user_dir / "stor.toml").write_bytes(b"#" * (5 * 1024 * 1024))
    infos = {info.name: info for info in list_templates(user_dir)}
    assert "nästlade djupare än 16 nivåer" in infos["djup"].error
    assert "filen är större än 1 MB" in infos["stor"].error
    with pytest.raises(TemplateError):
        load_template("djup", user_dir)
    with pytest.raises(TemplateError):
        export_template("stor", tmp_path / "ut.toml", user_dir)
