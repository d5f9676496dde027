"""The installation's look on the cover: the committee's name, and the logo drawn as an image
that keeps its proportions within its box; a logo gone bad leaves the cover without it and
the export says so."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from kvtui.domain.look import CoverLook
from kvtui.domain.report_data import ReportData
from kvtui.domain.reviews import short_id
from kvtui.look import cover_look, look_warnings, set_committee, set_logo, with_look
from kvtui.paths import data_dir
from kvtui.report.logo import LOGO_BOX, LogoDrawing, LogoImage, logo_flowable
from kvtui.user_settings import load_settings
from tests.cli.invoke import run
from tests.cli.test_settings_cli import SVG_LOGO, image_bytes, write
from tests.report.conftest import Pdf, render
from tests.report.demo_file import demo_copy
from tests.report.test_document import embedded_fonts

LOOK_COMMITTEE = "Vård- och omsorgsnämnden"
# ReportLab moves to the flowable's place, then scales the image's unit square to its size.
_PLACED = re.compile(rb"1 0 0 1 ([\d.]+) ([\d.]+) cm\s+q\s+([\d.]+) 0 0 ([\d.]+) 0 0 cm\s+/\S+ Do")


def placed_images(pdf: Pdf, page: int = 0) -> list[tuple[float, float, float, float]]:
    """Width, height, x and y of every image XObject drawn on ``page``, in points."""
    content = pdf.reader.pages[page].get_contents()
    assert content is not None
    return [(float(w), float(h), float(x), float(y))
            for x, y, w, h in _PLACED.findall(content.get_data())]


def with_logo(data: ReportData, logo: bytes, kind: str = "png") -> ReportData:
    return dataclasses.replace(data, look=CoverLook(
        committee=LOOK_COMMITTEE, logo=logo, logo_kind=kind,
        logo_alt=f"Logotyp: {data.municipality}"))


@pytest.mark.parametrize("size", [(400, 160), (90, 300)])
def test_the_logo_is_an_image_with_its_proportions_in_its_box(demo_data: ReportData,
                                                              size: tuple[int, int]) -> None:
    pdf = render(with_logo(demo_data, image_bytes(size)), draft=True)
    images = pdf.reader.pages[0].images
    assert len(images) == 1
    assert images[0].image is not None and images[0].image.size == size
    [(width, height, _x, y)] = placed_images(pdf)
    assert width / height == pytest.approx(size[0] / size[1], rel=1e-3)
    assert width <= LOGO_BOX[0] + 0.01 and height <= LOGO_BOX[1] + 0.01
    assert LOGO_BOX[0] - 0.01 <= width or LOGO_BOX[1] - 0.01 <= height  # fills its box
    assert y > 600  # at the cover's top
    cover = pdf.pages[0]
    assert cover.index(LOOK_COMMITTEE) < cover.index("KVALITETSGRANSKNING")
    assert "Nämnd Socialnämnden" in " ".join(cover.split())  # the review's own, in the facts
    assert "Kvalitetsgranskning" in pdf.pages[0] and len(pdf.pages) == len(
        render(demo_data, draft=True).pages)  # the cover stays one page
    assert not pdf.reader.pages[1].images  # on the cover only


def test_the_committee_fills_in_for_a_review_without_one(demo_data: ReportData) -> None:
    data = dataclasses.replace(demo_data, committee="",
                               look=CoverLook(committee=LOOK_COMMITTEE))
    cover = " ".join(render(data, draft=True).pages[0].split())
    assert f"Nämnd {LOOK_COMMITTEE}" in cover
    without = " ".join(render(dataclasses.replace(data, look=None), draft=True)
                       .pages[0].split())
    assert LOOK_COMMITTEE not in without and "Nämnd –" in without


def test_the_logo_carries_its_text_alternative(demo_data: ReportData) -> None:
    look = with_logo(demo_data, image_bytes()).look
    flowable = logo_flowable(look)
    assert isinstance(flowable, LogoImage)
    assert flowable.alt_text == "Logotyp: Sjövik kommun"
    assert logo_flowable(None) is None and logo_flowable(CoverLook("Nämnd")) is None


def test_an_svg_logo_is_drawn_as_graphics_in_embedded_fonts(demo_data: ReportData) -> None:
    svg = SVG_LOGO.replace("</svg>", '<text x="100" y="60" font-family="Arial" '
                           'font-weight="bold">Sjövik</text></svg>').encode()
    data = with_logo(demo_data, svg, "svg")
    flowable = logo_flowable(data.look)
    assert isinstance(flowable, LogoDrawing)
    assert flowable.alt_text == "Logotyp: Sjövik kommun"
    width, height = flowable.wrap(500, 800)
    assert width / height == pytest.approx(3.0) and width == pytest.approx(LOGO_BOX[0])
    pdf = render(data, draft=True)
    assert all(embedded_fonts(pdf).values()), embedded_fonts(pdf)
    assert "Sjövik" in pdf.pages[0]


def test_cover_look_reads_the_settings_and_survives_a_logo_gone_bad(
        demo_data: ReportData, tmp_path: Path) -> None:
    assert cover_look() == CoverLook()
    set_logo(str(write(tmp_path / "logo.png", image_bytes())))
    set_committee(LOOK_COMMITTEE)
    data = with_look(demo_data)
    assert data.look is not None and data.look.logo == image_bytes()
    assert data.look.logo_alt == "Logotyp: Sjövik kommun" and look_warnings(data) == ()
    copy = data_dir() / load_settings()["logo_file"]
    copy.write_bytes(image_bytes()[:200])  # cut off
    gone_bad = with_look(demo_data)
    assert gone_bad.look is not None and gone_bad.look.logo is None
    assert gone_bad.look.committee == LOOK_COMMITTEE
    [warning] = look_warnings(gone_bad)
    assert warning.startswith("Logotypen kunde inte användas (bilden kunde inte läsas som PNG")
    pdf = render(gone_bad, draft=True)
    assert not pdf.reader.pages[0].images and LOOK_COMMITTEE in pdf.pages[0]


def test_export_with_a_logo_and_after_it_is_gone(tmp_path: Path) -> None:
    db, review_id = demo_copy(tmp_path / "db")
    review = short_id(review_id)
    original = write(tmp_path / "logo.png", image_bytes())
    assert run("settings", "--logo", str(original)).exit_code == 0
    original.unlink()
    first = run("export", review, "--draft", "-o", str(tmp_path / "med.pdf"), "--db", str(db))
    assert first.exit_code == 0, first.output
    assert "Varning" not in first.output
    assert b"/Subtype /Image" in (tmp_path / "med.pdf").read_bytes()
    for copy in data_dir().glob("logotyp-*"):
        copy.unlink()
    second = run("export", review, "--draft", "-o", str(tmp_path / "utan.pdf"), "--db", str(db))
    assert second.exit_code == 0, second.output
    assert "Varning: Logotypen kunde inte användas" in second.output
    assert "Rapporten har ingen logotyp" in second.output
    assert b"/Subtype /Image" not in (tmp_path / "utan.pdf").read_bytes()
    final = run("export", review, "-o", str(tmp_path / "slutlig.pdf"), "--db", str(db))
    assert final.exit_code == 0 and "Varning: Logotypen" in final.output
