"""Bad input gives clear exceptions, never a crash; nothing is sent."""

from __future__ import annotations

import json
import math
import traceback
from typing import Any, Dict

import pytest

import autosend
from autosend import _native, errors, webhooks

OFFLINE = "https://127.0.0.1:9/v1"  # never reached: every case here fails before I/O


@pytest.fixture()
def client() -> autosend.AutoSend:
    return autosend.AutoSend("AS_abc123", base_url=OFFLINE, max_retries=0, timeout=0.5)


GOOD: Dict[str, Any] = {
    "from": {"email": "hello@mail.example.com"},
    "to": {"email": "ada@example.com"},
    "subject": "Hi",
    "html": "<p>Hi</p>",
}


def expect_validation(fn: Any, field: Any = None) -> autosend.ValidationError:
    with pytest.raises(autosend.ValidationError) as ei:
        fn()
    exc = ei.value
    assert exc.code == 105 and exc.kind == "validation"
    assert "nothing was sent" in str(exc)
    if field is not None:
        assert exc.field == field, exc
    return exc


def test_wrong_positional_type(client: autosend.AutoSend) -> None:
    expect_validation(lambda: client.emails.send(42), "params")
    expect_validation(lambda: client.emails.send(["a"]), "params")
    expect_validation(lambda: client.contacts.get(12), "params")
    with pytest.raises(TypeError):
        client.emails.send(GOOD, GOOD)


def test_missing_fields(client: autosend.AutoSend) -> None:
    expect_validation(lambda: client.emails.send({}))
    expect_validation(lambda: client.emails.send(None))
    expect_validation(lambda: client.emails.send(to={"email": "a@b.co"}, subject="x", html="y"), "from")
    expect_validation(lambda: client.contacts.get())


def test_wrong_field_types(client: autosend.AutoSend) -> None:
    expect_validation(lambda: client.emails.send({**GOOD, "to": "ada@example.com"}), "to")
    expect_validation(lambda: client.emails.send({**GOOD, "subject": 5}), "subject")
    expect_validation(lambda: client.emails.send({**GOOD, "to": {"email": None}}))
    expect_validation(lambda: client.emails.send({**GOOD, "bcc_typo": []}))
    expect_validation(lambda: client.emails.send({**GOOD, "to": {"email": "not-an-email"}}), "to.email")


def test_values_that_are_not_json(client: autosend.AutoSend) -> None:
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {"x": b"bytes"}}), "dynamicData.x")
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {"x": math.nan}}), "dynamicData.x")
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {"x": 10**30}}), "dynamicData.x")
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {"x": object()}}), "dynamicData.x")
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {"x": {1, 2}}}), "dynamicData.x")
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {"x": "\ud800"}}), "dynamicData.x")


def test_non_str_keys(client: autosend.AutoSend) -> None:
    expect_validation(lambda: client.emails.send({1: "x"}), "params")
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": {(1, 2): "x"}}), "dynamicData")


def test_self_referencing_structure(client: autosend.AutoSend) -> None:
    loop: Dict[str, Any] = {}
    loop["me"] = loop
    exc = expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": loop}))
    assert "deep" in exc.message
    lst: Any = []
    lst.append(lst)
    expect_validation(lambda: _native.to_json_text(lst))


def test_huge_payloads(client: autosend.AutoSend) -> None:
    expect_validation(lambda: client.emails.send({**GOOD, "subject": "x" * 5_000_000}), "subject")
    expect_validation(
        lambda: client.emails.bulk(from_={"email": "a@b.co"}, subject="s", html="h",
                                   recipients=[{"email": f"u{i}@b.co"} for i in range(10_000)]),
        "recipients",
    )
    deep: Any = "leaf"
    for _ in range(10_000):
        deep = {"d": deep}
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": deep}))


def test_keyword_conversion_and_duplicates(client: autosend.AutoSend) -> None:
    from autosend._params import wire_name

    assert wire_name("from_") == "from"
    assert wire_name("reply_to") == "replyTo"
    assert wire_name("template_id") == "templateId"
    assert wire_name("project_id") == "projectId"
    expect_validation(lambda: client.emails.send(GOOD, subject="again"), "subject")


def test_bad_client_options() -> None:
    with pytest.raises(autosend.InvalidApiKeyError):
        autosend.AutoSend(123)  # type: ignore[arg-type]
    with pytest.raises(autosend.InvalidApiKeyError):
        autosend.AutoSend("")
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", timeout="fast")  # type: ignore[arg-type]
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", timeout=-1)
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", timeout=math.inf)
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", max_retries=-1)
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", max_retries=1000)
    with pytest.raises(autosend.InvalidBaseUrlError):
        autosend.AutoSend("AS_abc", base_url="http://api.autosend.com/v1")
    with pytest.raises(autosend.ProjectIdNotAllowedError):
        autosend.AutoSend("AS_abc", project_id="p1")
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", ca_file="/nonexistent/ca.pem")
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", ca_file=__file__)  # not PEM
    with pytest.raises(autosend.ConfigurationError):
        autosend.AutoSend("AS_abc", project_id=5)  # type: ignore[arg-type]
    with pytest.raises(autosend.UnknownEndpointError):
        autosend.AutoSend("AS_abc", base_url=OFFLINE).request("emails.nope", {})


CANARY = "AS_CanaryCanary123456789"
CANARY_KEY = CANARY + "\udcff"  # a lone surrogate, as surrogateescape produces


def assert_no_leak(exc: BaseException, secret: str = "CanaryCanary") -> None:
    shown = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    for text in (str(exc), repr(exc), repr(exc.args), shown):
        assert secret not in text, text
    assert exc.__context__ is None and exc.__cause__ is None


def raised(fn: Any, cls: Any) -> Any:
    # pytest.raises, not try/except: an except block would itself set __context__
    with pytest.raises(cls) as ei:
        fn()
    return ei.value


def test_key_not_utf8_is_invalid_api_key_without_leak() -> None:
    for make in (autosend.AutoSend, autosend.AsyncAutoSend):
        exc = raised(lambda: make(CANARY_KEY, base_url=OFFLINE), autosend.InvalidApiKeyError)
        assert exc.code == 100 and exc.kind == "invalid_api_key" and "UTF-8" in str(exc)
        assert_no_leak(exc)
    exc = raised(lambda: _native.parse_key(CANARY_KEY), autosend.InvalidApiKeyError)
    assert_no_leak(exc)
    exc = raised(lambda: _native.SansIoClient(CANARY_KEY), autosend.InvalidApiKeyError)
    assert_no_leak(exc)


def test_set_api_key_not_utf8_is_invalid_api_key_without_leak() -> None:
    c = autosend.AutoSend("AS_abc123", base_url=OFFLINE)
    before = c.key_hint
    exc = raised(lambda: c.set_api_key(CANARY_KEY), autosend.InvalidApiKeyError)
    assert exc.code == 100
    assert_no_leak(exc)
    assert c.key_hint == before  # the old key stays
    ac = autosend.AsyncAutoSend("AS_abc123", base_url=OFFLINE)
    assert_no_leak(raised(lambda: ac.set_api_key(CANARY_KEY), autosend.InvalidApiKeyError))
    s = _native.SansIoClient("AS_abc123")
    assert_no_leak(raised(lambda: s.rotate_key(CANARY_KEY), autosend.InvalidApiKeyError))


def test_project_id_and_base_url_not_utf8() -> None:
    pid, url = "p" + CANARY_KEY, "https://" + CANARY_KEY + ".example/v1"
    exc = raised(lambda: autosend.AutoSend("ASA_abc123", project_id=pid, base_url=OFFLINE),
                 autosend.ConfigurationError)
    assert exc.code == 107 and exc.kind == "invalid_config" and "project_id" in str(exc)
    assert_no_leak(exc)
    exc = raised(lambda: autosend.AutoSend("AS_abc123", base_url=url), autosend.InvalidBaseUrlError)
    assert exc.code == 104 and "base_url" in str(exc)
    assert_no_leak(exc)


def test_env_key_not_utf8_is_reported_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTOSEND_API_KEY", "AUTOSEND_ACCOUNT_API_KEY", "AUTOSEND_PROJECT_ID", "AUTOSEND_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUTOSEND_API_KEY", CANARY_KEY)  # stored as undecodable bytes (0xff)
    exc = raised(lambda: autosend.AutoSend(base_url=OFFLINE), autosend.InvalidApiKeyError)
    assert "AUTOSEND_API_KEY is set but is not valid UTF-8 text" in str(exc)
    assert "no API key given" not in str(exc)
    assert_no_leak(exc)
    monkeypatch.setenv("AUTOSEND_API_KEY", "AS_abc123")
    monkeypatch.setenv("AUTOSEND_BASE_URL", "https://x\udcff.example/v1")
    exc = raised(lambda: autosend.AutoSend(), autosend.InvalidBaseUrlError)
    assert "AUTOSEND_BASE_URL is set" in str(exc)
    # an explicit option wins; the unreadable variable is not consulted
    assert autosend.AutoSend(base_url=OFFLINE).base_url == OFFLINE


@pytest.mark.parametrize("name", ["timeout", "deadline"])
@pytest.mark.parametrize(
    "value", [1e300, 10**30, 2**64 // 1000 + 1, 1.8446744073709552e16, math.nan, math.inf, -math.inf, -1, -0.5, 0, 0.0]
)
def test_seconds_out_of_range_is_configuration_error(name: str, value: Any) -> None:
    for make in (autosend.AutoSend, autosend.AsyncAutoSend):
        with pytest.raises(autosend.ConfigurationError) as ei:
            make("AS_x1", base_url=OFFLINE, **{name: value})
        exc = ei.value
        assert type(exc) is autosend.ConfigurationError and isinstance(exc, autosend.AutoSendError)
        assert exc.code == 107 and exc.kind == "invalid_config"
        assert f"{name} is out of range" in str(exc)
        assert exc.__context__ is None


def test_seconds_in_range() -> None:
    from autosend._client import _seconds_to_ms

    assert _seconds_to_ms("timeout", 2**64 // 1000, False) == (2**64 // 1000) * 1000
    assert _seconds_to_ms("timeout", 1e-9, False) == 1
    assert _seconds_to_ms("timeout", 0.5, False) == 500
    assert _seconds_to_ms("deadline", None, True) is None
    c = autosend.AutoSend("AS_x1", base_url=OFFLINE, timeout=1e6, deadline=1e9)
    assert c._describe()["timeout_ms"] == 10**9


def test_mapping_that_mutates_the_dict_being_converted(
    client: autosend.AutoSend, capfd: pytest.CaptureFixture[str]
) -> None:
    from collections.abc import Mapping

    outer: Dict[str, Any] = {}

    class Mutating(Mapping[str, int]):
        def __getitem__(self, k: str) -> int:
            return 1

        def __iter__(self) -> Any:
            return iter(["a"])

        def __len__(self) -> int:
            return 1

        def items(self) -> Any:
            outer.update({f"k{i}": i for i in range(50)})  # grows the dict being converted
            outer.pop("z", None)
            return [("a", 1)]

    outer.update({"x": Mutating(), "y": 1, "z": 2})
    # a consistent snapshot of outer as it was when its conversion started
    assert json.loads(_native.to_json_text(outer)) == {"x": {"a": 1}, "y": 1, "z": 2}
    # a Mapping nested in a Mapping, mutating the outer one
    outer.clear()
    outer.update({"x": Mutating(), "y": 1})

    class Wrapper(Mapping[str, Any]):
        def __getitem__(self, k: str) -> Any:
            return outer[k]

        def __iter__(self) -> Any:
            return iter(list(outer))

        def __len__(self) -> int:
            return len(outer)

    assert json.loads(_native.to_json_text({"m": Wrapper()}))["m"]["x"] == {"a": 1}
    # through a real call: a clean ValidationError for the bad field, no panic
    outer.clear()
    outer.update({"x": Mutating(), "bad": object()})
    expect_validation(lambda: client.emails.send({**GOOD, "dynamicData": outer}), "dynamicData.bad")
    captured = capfd.readouterr()
    assert captured.err == "" and "panicked" not in captured.out


def test_panic_is_internal_error_not_panic_exception() -> None:
    with pytest.raises(autosend.InternalError) as ei:
        _native._debug_panic()
    assert ei.value.kind == "panic" and ei.value.code == 901
    # still usable afterwards
    assert _native.parse_key("AS_abc") == ("project", "AS_…")


def test_webhook_bad_input() -> None:
    with pytest.raises(TypeError):
        webhooks.verify(123, {}, "whsec_x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        webhooks.verify(b"{}", {}, None)  # type: ignore[arg-type]
    with pytest.raises(autosend.WebhookVerificationError):
        webhooks.verify(b"{}", {}, "whsec_x")
    with pytest.raises(autosend.ValidationError):
        webhooks.verify(b"{}", {"x-webhook-signature": 5}, "whsec_x")
    with pytest.raises(autosend.ValidationError):
        webhooks.verify(b"{}", 42, "whsec_x")  # type: ignore[arg-type]


def test_webhook_round_trip() -> None:
    body = b'{"type":"contact.created","createdAt":"2026-01-01T00:00:00Z","data":{"id":"c1"}}'
    sig = webhooks.sign(body, "whsec_abc")
    headers = {"X-Webhook-Signature": sig, "X-Webhook-Timestamp": "1767225600000"}
    ev = webhooks.verify(body, headers, "whsec_abc", now=1767225600.5)
    assert ev["type"] == "contact.created" and ev["data"] == {"id": "c1"}
    with pytest.raises(autosend.WebhookVerificationError) as ei:
        webhooks.verify(body, headers, "whsec_abc", now=1767225600 + 301)
    assert ei.value.kind == "webhook_timestamp"
    ev2 = webhooks.verify(body, list(headers.items()), "whsec_abc", now=1767225600 + 301, tolerance=400)
    assert ev2["type"] == "contact.created"


def test_error_classes_name_exactly_the_core_kinds() -> None:
    # errors.py maps kind names to classes by hand (the class is Python's choice): it must
    # name every kind of the core and no other, and have a fallback for every category.
    kinds = {name for _, name, _, _ in _native.error_kinds()}
    categories = {category for _, _, category, _ in _native.error_kinds()}
    assert set(errors._BY_KIND) == kinds
    assert categories <= set(errors._CATEGORY_FALLBACK)


def test_exception_hierarchy_and_pickle() -> None:
    import pickle

    assert issubclass(autosend.RateLimitError, autosend.AutoSendError)
    assert issubclass(autosend.APITimeoutError, autosend.APIConnectionError)
    assert issubclass(autosend.ValidationError, ValueError)
    for code, name, category, hint in _native.error_kinds():
        cls = errors.exception_class(name, category)
        assert issubclass(cls, autosend.AutoSendError), name
        assert hint
    try:
        _native.parse_key("nope")
    except autosend.InvalidApiKeyError as exc:
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.code == 100


def test_catalog_drives_namespaces(client: autosend.AutoSend) -> None:
    from autosend._catalog import ENDPOINTS

    for ep in ENDPOINTS:
        ns = getattr(client, ep["python_namespace"])
        assert callable(getattr(ns, ep["python_name"])), ep["id"]
    assert callable(client.contacts.delete_by_user_id)
    assert callable(client.contact_properties.list)
    assert not hasattr(client, "contactProperties")
    assert callable(client.contacts.search_by_emails)


def test_webhook_secret_not_utf8_does_not_leak() -> None:
    import traceback

    import autosend

    canary = "whsec_CanaryWebhookSecret123\udcff"
    for fn in (
        lambda: autosend.webhooks.verify(b"{}", {"x-webhook-signature": "00"}, canary),
        lambda: autosend.webhooks.sign(b"{}", canary),
    ):
        try:
            fn()
        except autosend.AutoSendError as e:
            assert isinstance(e, autosend.WebhookVerificationError), type(e)
            shown = str(e) + repr(e) + repr(e.args) + "".join(traceback.format_exception(e))
            assert "CanaryWebhookSecret" not in shown
            assert e.__context__ is None and e.__cause__ is None
        else:
            raise AssertionError("no error")
