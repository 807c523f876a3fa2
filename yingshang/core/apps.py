from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yingshang.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self):
        from django.db.backends.signals import connection_created

        from yingshang.core.dataversions import watch_connection

        connection_created.connect(watch_connection, dispatch_uid="yingshang.core.dataversions")
