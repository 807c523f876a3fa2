"""Open311 GeoReport v2 endpoints under /open311/v2/ (filled in by the appeals capability)."""

urlpatterns: list = []
