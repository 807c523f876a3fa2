from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "yingshang.monitoring"
    label = "monitoring"
    verbose_name = "营商环境监测"
