"""An enterprise user whose binding is not verified yet meets a 404 that says why and where to go, not a bare
"not found"; a plain missing record still says nothing about what exists."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/policies/mine/", "/policies/mine/push/"])
def test_unverified_user_is_told_to_bind_an_enterprise(cast, client_for, path):
    response = client_for(cast.stranger).get(path)  # stranger's claim on gz_enterprise is still pending
    body = response.content.decode()
    assert response.status_code == 404
    assert "尚未绑定经营主体，或绑定尚未核验" in body
    assert 'href="/workspace/"' in body


def test_a_missing_record_keeps_the_plain_message(cast, client_for):
    response = client_for(cast.gz_owner).get("/policies/clauses/987654321/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "未找到该页面或记录，或者您无权查看。" in body
    assert "尚未绑定" not in body
