"""Groupements (collective bids): proposals from the engine, formation by members, their
lifecycle (invitations, roles, lots, statuses) and exports."""
