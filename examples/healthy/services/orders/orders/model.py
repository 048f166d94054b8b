from dataclasses import dataclass


@dataclass
class Order:
    id: str

    @classmethod
    def from_event(cls, event):
        return cls(id=event["id"])
