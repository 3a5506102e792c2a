"""Dialogue logic behind the custom actions: clarification, handover, service-desk hours,
feedback storage and references to the last list ("den første"). The actions in `actions/` stay thin."""
