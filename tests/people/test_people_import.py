from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from apps.identities.models import ExternalIdentity
from apps.people.importing import people_file_open
from apps.people.services import people_import
from apps.roles.models import Membership, RoleKind, Team, TeamMember
from apps.trust.models import AccessRecord
from tests.conftest import World

pytestmark = pytest.mark.django_db

DANISH_CSV = (
    "Fulde navn;E-mail;Rolle;Team;Leder;Salesforce bruger id\n"
    "Anna Andersen;anna@x.dk;Sales rep;Øst;nej;005000000000001AAA\n"
    "Bo Berg;bo@x.dk;manager;Øst;ja;\n"
    "Carl Clausen;carl@x.dk;Astronaut;Øst;nej;\n"
    "Dina Dahl;not-an-email;Sales rep;Vest;nej;\n"
    "Eva Eriksen;eva@x.dk;service_agent;Vest;måske;\n"
    "Finn Friis;finn@x.dk;Marketer;;no;\n"
)


def _write(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_danish_headers_map_themselves(tmp_path: Path) -> None:
    people_file = people_file_open(_write(tmp_path, DANISH_CSV), "csv")
    assert people_file.mapping == {"name": 0, "email": 1, "role": 2, "team": 3, "manager": 4, "salesforce": 5}


def test_import_keeps_valid_rows_and_lists_problems_per_row(world: World, tmp_path: Path) -> None:
    people_file = people_file_open(_write(tmp_path, DANISH_CSV), "csv")
    result = people_import(organisation_id=world.org.pk, rows=people_file.rows())

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert [n for n, _m in result.problems] == [4, 5, 6]
    assert "Unknown role “Astronaut”" in result.problems[0][1]
    assert set(Team.objects.filter(organisation=world.org).values_list("name", flat=True)) == {
        "North", "South", "Øst"}
    assert TeamMember.objects.get(user__username="bo@x.dk").is_manager
    assert Membership.objects.get(user__username="bo@x.dk").role.kind == RoleKind.MANAGER
    assert ExternalIdentity.objects.get(source="salesforce").user.username == "anna@x.dk"
    # Bo manages Øst, where Anna is: Anna is told.
    assert AccessRecord.objects.filter(viewer__username="bo@x.dk", subject__username="anna@x.dk").exists()


def test_re_import_adds_nothing_and_a_changed_row_is_updated(world: World, tmp_path: Path) -> None:
    people_file = people_file_open(_write(tmp_path, DANISH_CSV), "csv")
    people_import(organisation_id=world.org.pk, rows=people_file.rows())
    users = User.objects.count()

    again = people_import(organisation_id=world.org.pk, rows=people_file.rows())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert User.objects.count() == users
    assert ExternalIdentity.objects.count() == 1

    changed = people_file_open(_write(tmp_path, DANISH_CSV.replace("Anna Andersen;anna@x.dk;Sales rep",
                                                                   "Anna Andersen;anna@x.dk;Marketer"), "b.csv"), "csv")
    preview = people_import(organisation_id=world.org.pk, rows=changed.rows(), dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (0, 1, 2)
    assert Membership.objects.get(user__username="anna@x.dk").role.kind == RoleKind.SALES_REP  # preview wrote nothing
    people_import(organisation_id=world.org.pk, rows=changed.rows())
    assert Membership.objects.get(user__username="anna@x.dk").role.kind == RoleKind.MARKETER


def test_an_id_belonging_to_someone_else_is_a_problem_of_that_row_only(world: World, tmp_path: Path) -> None:
    text = ("name,email,role,salesforce user id\n"
            "A,a@x.dk,Sales rep,005000000000001AAA\nB,b@x.dk,Sales rep,005000000000001AAA\n")
    people_file = people_file_open(_write(tmp_path, text), "csv")
    result = people_import(organisation_id=world.org.pk, rows=people_file.rows())
    assert result.created == 1
    assert [n for n, _m in result.problems] == [3]
    assert not User.objects.filter(username="b@x.dk").exists()


def test_xlsx_and_the_command(world: World, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Full name", "E-mail", "Role", "Team", "Manager", "HubSpot e-mail"])
    sheet.append(["Gry Gade", "gry@x.dk", "Sales rep", "Nord", "no", "gry@hubspot.example"])
    sheet.append(["Hans Holm", "hans@x.dk", "Manager", "Nord", "yes", None])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    out = StringIO()
    call_command("people_import", str(path), "--organisation", "Testorg", stdout=out)
    assert "new 2, updated 0, unchanged 0, rows with problems 0" in out.getvalue()
    assert "Invitations sent: 2." in out.getvalue()
    assert ExternalIdentity.objects.get(source="hubspot").external_id == "gry@hubspot.example"


def test_upload_preview_import_result_in_the_browser_flow(world: World) -> None:
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client_for(world.lene)
    upload = SimpleUploadedFile("people.csv", DANISH_CSV.encode())
    response = client.post("/organisation/people/import/", {"file": upload})
    assert response.status_code == 302
    preview_url = response.url
    page = client.get(preview_url).content.decode()
    assert "New 3, updated 0, unchanged 0." in page
    assert "Unknown role “Astronaut”" in page
    assert not User.objects.filter(username="anna@x.dk").exists()  # the preview saved nothing

    # The lead maps the manager column away: Bo is then a plain member, and Eva's "måske" no
    # longer matters, so her row is imported too.
    mapping = {"map_name": "0", "map_email": "1", "map_role": "2", "map_team": "3", "map_manager": "",
               "map_salesforce": "5"}
    result = client.post(preview_url, {**mapping, "action": "import"}).content.decode()
    assert "New 4, updated 0, unchanged 0." in result
    assert not TeamMember.objects.get(user__username="bo@x.dk").is_manager
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@x.dk", "bo@x.dk", "eva@x.dk", "finn@x.dk"]
    # The upload is used up; another lead's session never sees it.
    assert client.get(preview_url).status_code == 404


def test_an_unreadable_upload_is_a_clear_message(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.pdf", b"%PDF")
    response = world.client_for(world.lene).post("/organisation/people/import/", {"file": upload})
    assert response.status_code == 200
    assert "Only .csv and .xlsx files can be imported." in response.content.decode()
