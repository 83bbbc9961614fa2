from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class PendulumConfig(_message.Message):
    __slots__ = ("g",)
    G_FIELD_NUMBER: _ClassVar[int]
    g: float
    def __init__(self, g: _Optional[float] = ...) -> None: ...
