# Type stubs for the clients. The runtime builds these namespaces from the core's endpoint
# catalog; tests/test_stubs.py checks that every catalog endpoint is declared here.
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, overload

from .types import (
    Address,
    Attachment,
    BulkContact,
    BulkEmailRequest,
    BulkEmailResponse,
    BulkRecipient,
    BulkUpdateContactsRequest,
    BulkUpdateResult,
    Contact,
    ContactList,
    CreateContactRequest,
    CreateProjectRequest,
    DeleteResult,
    EmailListRequest,
    MailStatus,
    Project,
    ProjectList,
    SendEmailRequest,
    SendEmailResponse,
    UnsubscribeGroups,
    UpsertContactRequest,
)

ENV_NAMES: Tuple[str, ...]

class _Emails:
    @overload
    def send(self, params: SendEmailRequest, /) -> SendEmailResponse: ...
    @overload
    def send(
        self,
        *,
        from_: Address,
        to: Address,
        subject: str = ...,
        html: str = ...,
        text: str = ...,
        template_id: str = ...,
        dynamic_data: Mapping[str, Any] = ...,
        cc: Sequence[Address] = ...,
        bcc: Sequence[Address] = ...,
        reply_to: Address = ...,
        unsubscribe_group_id: str = ...,
        tracking_click: bool = ...,
        tracking_open: bool = ...,
        headers: Mapping[str, str] = ...,
        attachments: Sequence[Attachment] = ...,
        bypass_suppressions: bool = ...,
    ) -> SendEmailResponse: ...
    @overload
    def bulk(self, params: BulkEmailRequest, /) -> BulkEmailResponse: ...
    @overload
    def bulk(
        self,
        *,
        from_: Address,
        recipients: Sequence[BulkRecipient],
        subject: str = ...,
        html: str = ...,
        text: str = ...,
        template_id: str = ...,
        dynamic_data: Mapping[str, Any] = ...,
        reply_to: Address = ...,
        unsubscribe_group_id: str = ...,
        tracking_click: bool = ...,
        tracking_open: bool = ...,
        headers: Mapping[str, str] = ...,
        bypass_suppressions: bool = ...,
    ) -> BulkEmailResponse: ...
    def status(self, id: str) -> MailStatus: ...

class _Contacts:
    @overload
    def create(self, params: CreateContactRequest, /) -> Contact: ...
    @overload
    def create(
        self,
        *,
        email: str,
        first_name: str = ...,
        last_name: str = ...,
        user_id: str = ...,
        list_ids: Sequence[str] = ...,
        custom_fields: Mapping[str, Any] = ...,
    ) -> Contact: ...
    @overload
    def upsert(self, params: UpsertContactRequest, /) -> Contact: ...
    @overload
    def upsert(
        self,
        *,
        email: str,
        first_name: str = ...,
        last_name: str = ...,
        user_id: str = ...,
        mobile: str = ...,
        list_ids: Sequence[str] = ...,
        custom_fields: Mapping[str, Any] = ...,
    ) -> Contact: ...
    def get(self, id: str) -> Contact: ...
    def delete(self, id: str) -> DeleteResult: ...
    def delete_by_user_id(self, user_id: str) -> DeleteResult: ...
    @overload
    def remove(self, params: EmailListRequest, /) -> Dict[str, Any]: ...
    @overload
    def remove(self, *, emails: Sequence[str]) -> Dict[str, Any]: ...
    @overload
    def search_by_emails(self, params: EmailListRequest, /) -> ContactList: ...
    @overload
    def search_by_emails(self, *, emails: Sequence[str]) -> ContactList: ...
    @overload
    def bulk_update(self, params: BulkUpdateContactsRequest, /) -> BulkUpdateResult: ...
    @overload
    def bulk_update(self, *, contacts: Sequence[BulkContact], run_workflow: bool = ...) -> BulkUpdateResult: ...
    def unsubscribe_groups(self, id: str) -> UnsubscribeGroups: ...

class _Projects:
    def list(self) -> ProjectList: ...
    def get(self, project_id: str) -> Project: ...
    @overload
    def create(self, params: CreateProjectRequest, /) -> Project: ...
    @overload
    def create(self, *, name: str, domain: str = ..., region_key: str = ...) -> Project: ...
    def delete(self, project_id: str) -> DeleteResult: ...

class _AsyncEmails:
    @overload
    async def send(self, params: SendEmailRequest, /) -> SendEmailResponse: ...
    @overload
    async def send(
        self,
        *,
        from_: Address,
        to: Address,
        subject: str = ...,
        html: str = ...,
        text: str = ...,
        template_id: str = ...,
        dynamic_data: Mapping[str, Any] = ...,
        cc: Sequence[Address] = ...,
        bcc: Sequence[Address] = ...,
        reply_to: Address = ...,
        unsubscribe_group_id: str = ...,
        tracking_click: bool = ...,
        tracking_open: bool = ...,
        headers: Mapping[str, str] = ...,
        attachments: Sequence[Attachment] = ...,
        bypass_suppressions: bool = ...,
    ) -> SendEmailResponse: ...
    @overload
    async def bulk(self, params: BulkEmailRequest, /) -> BulkEmailResponse: ...
    @overload
    async def bulk(
        self,
        *,
        from_: Address,
        recipients: Sequence[BulkRecipient],
        subject: str = ...,
        html: str = ...,
        text: str = ...,
        template_id: str = ...,
        dynamic_data: Mapping[str, Any] = ...,
        reply_to: Address = ...,
        unsubscribe_group_id: str = ...,
        tracking_click: bool = ...,
        tracking_open: bool = ...,
        headers: Mapping[str, str] = ...,
        bypass_suppressions: bool = ...,
    ) -> BulkEmailResponse: ...
    async def status(self, id: str) -> MailStatus: ...

class _AsyncContacts:
    @overload
    async def create(self, params: CreateContactRequest, /) -> Contact: ...
    @overload
    async def create(
        self,
        *,
        email: str,
        first_name: str = ...,
        last_name: str = ...,
        user_id: str = ...,
        list_ids: Sequence[str] = ...,
        custom_fields: Mapping[str, Any] = ...,
    ) -> Contact: ...
    @overload
    async def upsert(self, params: UpsertContactRequest, /) -> Contact: ...
    @overload
    async def upsert(
        self,
        *,
        email: str,
        first_name: str = ...,
        last_name: str = ...,
        user_id: str = ...,
        mobile: str = ...,
        list_ids: Sequence[str] = ...,
        custom_fields: Mapping[str, Any] = ...,
    ) -> Contact: ...
    async def get(self, id: str) -> Contact: ...
    async def delete(self, id: str) -> DeleteResult: ...
    async def delete_by_user_id(self, user_id: str) -> DeleteResult: ...
    @overload
    async def remove(self, params: EmailListRequest, /) -> Dict[str, Any]: ...
    @overload
    async def remove(self, *, emails: Sequence[str]) -> Dict[str, Any]: ...
    @overload
    async def search_by_emails(self, params: EmailListRequest, /) -> ContactList: ...
    @overload
    async def search_by_emails(self, *, emails: Sequence[str]) -> ContactList: ...
    @overload
    async def bulk_update(self, params: BulkUpdateContactsRequest, /) -> BulkUpdateResult: ...
    @overload
    async def bulk_update(self, *, contacts: Sequence[BulkContact], run_workflow: bool = ...) -> BulkUpdateResult: ...
    async def unsubscribe_groups(self, id: str) -> UnsubscribeGroups: ...

class _AsyncProjects:
    async def list(self) -> ProjectList: ...
    async def get(self, project_id: str) -> Project: ...
    @overload
    async def create(self, params: CreateProjectRequest, /) -> Project: ...
    @overload
    async def create(self, *, name: str, domain: str = ..., region_key: str = ...) -> Project: ...
    async def delete(self, project_id: str) -> DeleteResult: ...

class _Base:
    @property
    def base_url(self) -> str: ...
    @property
    def project_id(self) -> Optional[str]: ...
    @property
    def key_hint(self) -> str: ...
    def set_api_key(self, api_key: str) -> None: ...

class AutoSend(_Base):
    emails: _Emails
    contacts: _Contacts
    projects: _Projects
    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_non_idempotent: bool = False,
        deadline: Optional[float] = None,
        ca_file: Optional[str] = None,
    ) -> None: ...
    def request(self, endpoint_id: str, params: Optional[Mapping[str, Any]] = None) -> Any: ...
    def close(self) -> None: ...
    def __enter__(self) -> AutoSend: ...
    def __exit__(self, *exc: object) -> None: ...

class AsyncAutoSend(_Base):
    emails: _AsyncEmails
    contacts: _AsyncContacts
    projects: _AsyncProjects
    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_non_idempotent: bool = False,
        deadline: Optional[float] = None,
        ca_file: Optional[str] = None,
    ) -> None: ...
    async def request(self, endpoint_id: str, params: Optional[Mapping[str, Any]] = None) -> Any: ...
    async def close(self) -> None: ...
    async def __aenter__(self) -> AsyncAutoSend: ...
    async def __aexit__(self, *exc: object) -> None: ...
