"""TypedDicts for requests and responses (wire names, camelCase, as in the REST docs).

Runtime values are plain ``dict``s; these types only guide editors and type checkers.
Fields a request may leave out are ``total=False``; response fields are all optional because
the API may add or omit fields.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, TypedDict

__all__ = [
    "Address", "Attachment", "SendEmailRequest", "BulkRecipient", "BulkEmailRequest",
    "CreateContactRequest", "UpsertContactRequest", "EmailListRequest", "BulkContact",
    "BulkUpdateContactsRequest", "CreateProjectRequest", "SendEmailResponse",
    "BulkEmailResponse", "MailStatus", "Contact", "ContactList", "BulkUpdateResult",
    "UnsubscribeGroups", "Project", "ProjectList", "DeleteResult", "WebhookEvent",
]


class _AddressBase(TypedDict):
    email: str


class Address(_AddressBase, total=False):
    name: str
    dynamicData: Mapping[str, Any]


class Attachment(TypedDict, total=False):
    fileName: str
    content: str
    contentType: str
    fileUrl: str
    description: str


_SendEmailBase = TypedDict("_SendEmailBase", {"from": Address, "to": Address})


class SendEmailRequest(_SendEmailBase, total=False):
    subject: str
    html: str
    text: str
    templateId: str
    dynamicData: Mapping[str, Any]
    cc: Sequence[Address]
    bcc: Sequence[Address]
    replyTo: Address
    unsubscribeGroupId: str
    trackingClick: bool
    trackingOpen: bool
    headers: Mapping[str, str]
    attachments: Sequence[Attachment]
    bypassSuppressions: bool


class BulkRecipient(_AddressBase, total=False):
    name: str
    dynamicData: Mapping[str, Any]
    cc: Sequence[Address]
    bcc: Sequence[Address]


_BulkEmailBase = TypedDict("_BulkEmailBase", {"from": Address, "recipients": Sequence[BulkRecipient]})


class BulkEmailRequest(_BulkEmailBase, total=False):
    subject: str
    html: str
    text: str
    templateId: str
    dynamicData: Mapping[str, Any]
    replyTo: Address
    unsubscribeGroupId: str
    trackingClick: bool
    trackingOpen: bool
    headers: Mapping[str, str]
    bypassSuppressions: bool


class CreateContactRequest(_AddressBase, total=False):
    firstName: str
    lastName: str
    userId: str
    listIds: Sequence[str]
    customFields: Mapping[str, Any]


class UpsertContactRequest(CreateContactRequest, total=False):
    mobile: str


class EmailListRequest(TypedDict):
    emails: Sequence[str]


class BulkContact(_AddressBase, total=False):
    firstName: str
    lastName: str
    userId: str
    customFields: Mapping[str, Any]


class _BulkUpdateBase(TypedDict):
    contacts: Sequence[BulkContact]


class BulkUpdateContactsRequest(_BulkUpdateBase, total=False):
    runWorkflow: bool


class _CreateProjectBase(TypedDict):
    name: str


class CreateProjectRequest(_CreateProjectBase, total=False):
    domain: str
    regionKey: str


class SendEmailResponse(TypedDict, total=False):
    emailId: str
    message: str
    totalRecipients: int


class BulkEmailResponse(TypedDict, total=False):
    batchId: str
    totalRecipients: int
    successCount: int
    failedCount: int


class MailStatus(TypedDict, total=False):
    id: str
    projectId: str
    status: str
    subject: str
    recipient: Any
    sender: Any
    sentAt: str
    deliveredAt: str
    openedAt: str
    clickedAt: str
    bouncedAt: str


class Contact(TypedDict, total=False):
    id: str
    email: str
    firstName: str
    lastName: str
    userId: str
    mobile: str
    customFields: Dict[str, Any]
    listIds: List[str]
    segmentIds: List[str]
    projectId: str
    createdAt: str
    updatedAt: str


class ContactList(TypedDict, total=False):
    contacts: List[Contact]


class BulkUpdateResult(TypedDict, total=False):
    successCount: int
    failedCount: int
    totalCount: int


class UnsubscribeGroups(TypedDict, total=False):
    groups: List[Dict[str, Any]]


class Project(TypedDict, total=False):
    id: str
    name: str
    domain: str
    regionKey: str
    trackingOpen: bool
    trackingClick: bool
    createdAt: str
    updatedAt: str


class ProjectList(TypedDict, total=False):
    projects: List[Project]


class DeleteResult(TypedDict, total=False):
    message: str


class WebhookEvent(TypedDict):
    type: str
    createdAt: Any
    deliveryId: Any
    data: Dict[str, Any]
