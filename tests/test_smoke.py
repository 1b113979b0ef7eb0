import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_learner_list_shows_own_and_shared_learners(world, client_for):
    response = client_for(world.users["outreach_officer"]).get("/learners/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amara Alphason" in body
    assert "Bea Betterton" in body
    assert "Gus Gammage" not in body


def test_edit_form_shows_the_saved_date_of_birth_in_the_date_picker(world, client_for):
    learner = world.learner_alpha
    response = client_for(world.users["outreach_officer"]).get(f"/learners/{learner.id}/edit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'type="date" name="date_of_birth" value="{learner.date_of_birth.isoformat()}"' in body
