from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CartPoleConfig(_message.Message):
    __slots__ = ("sutton_barto_reward",)
    SUTTON_BARTO_REWARD_FIELD_NUMBER: _ClassVar[int]
    sutton_barto_reward: bool
    def __init__(self, sutton_barto_reward: _Optional[bool] = ...) -> None: ...
