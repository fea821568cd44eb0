"""Former home of the composition root; the names now live in `foodsave.bootstrap`."""

from foodsave.bootstrap import Services, build_services, get_services, set_services

__all__ = ["Services", "build_services", "get_services", "set_services"]
