from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "yingshang.enterprises"
    label = "enterprises"
    verbose_name = "经营主体库"
