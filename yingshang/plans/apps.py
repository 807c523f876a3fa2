from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "yingshang.plans"
    label = "plans"
    verbose_name = "任务台账与督查督办"
