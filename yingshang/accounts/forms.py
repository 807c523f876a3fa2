from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from yingshang.accounts.backends import locked_minutes_left


class LoginForm(AuthenticationForm):
    """Login with a clear Chinese message when the account is locked after repeated failures."""

    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败多次后账户将被临时锁定。",
        "inactive": "该账户已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        minutes = locked_minutes_left(username, timezone.now())
        if minutes:
            raise forms.ValidationError(f"登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试。", code="locked")
        return super().clean()
