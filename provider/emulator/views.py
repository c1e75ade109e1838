"""The ``Emulator`` methods tests assert with and steer through (the ingestion path)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provider.emulator.explore import Catalogue
from provider.emulator.runs import RunService

if TYPE_CHECKING:
    from provider.emulator.pipeline import Pipeline


class PipelineViews:
    """The ``Emulator`` methods tests assert with (stored objects, unmasked, oldest first)."""

    _pipeline: Pipeline
    org_id: str

    def _scope(self, org_id: str | None, sandbox: str) -> tuple[str, str]:
        return (org_id or self.org_id, sandbox)

    def source_connections(
        self, org_id: str | None = None, sandbox: str = "prod"
    ) -> list[dict[str, Any]]:
        """The stored source connections of one org and sandbox."""
        return self._pipeline.stores["sourceConnections"].all(self._scope(org_id, sandbox))

    def target_connections(
        self, org_id: str | None = None, sandbox: str = "prod"
    ) -> list[dict[str, Any]]:
        """The stored target connections of one org and sandbox."""
        return self._pipeline.stores["targetConnections"].all(self._scope(org_id, sandbox))

    def flows(self, org_id: str | None = None, sandbox: str = "prod") -> list[dict[str, Any]]:
        """The stored dataflows of one org and sandbox."""
        return self._pipeline.stores["flows"].all(self._scope(org_id, sandbox))

    def mapping_sets(
        self, org_id: str | None = None, sandbox: str = "prod"
    ) -> list[dict[str, Any]]:
        """The stored mapping sets (latest version, earlier ones under ``history``)."""
        return self._pipeline.stores["mappingSets"].all(self._scope(org_id, sandbox))

    def staging_credentials(
        self, org_id: str | None = None, sandbox: str = "prod"
    ) -> dict[str, Any] | None:
        """The sandbox's staging-credential record (``SASToken``, ``expiresAt``,
        ``expiryDate``, ``revoked`` tokens, ``refreshes``, ``issued``), or None before the first
        GET."""
        return self._pipeline.staging.record(self._scope(org_id, sandbox))

    def staging_token_valid(
        self, token: str, org_id: str | None = None, sandbox: str = "prod"
    ) -> bool:
        """Whether ``token`` is the sandbox's live SAS token (not revoked, not expired)."""
        record = self.staging_credentials(org_id, sandbox)
        return (
            record is not None
            and record["SASToken"] == token
            and self._pipeline.options.clock() < record["expiresAt"]
        )

    def issued_sas_tokens(self) -> tuple[str, ...]:
        """Every SAS token issued so far (leak tests search texts for them)."""
        return self._pipeline.staging.issued_tokens()

    @property
    def catalogue(self) -> Catalogue:
        """The fake Databricks catalogue explore serves."""
        return self._pipeline.options.catalogue

    @catalogue.setter
    def catalogue(self, value: Catalogue) -> None:
        self._pipeline.options.catalogue = value

    @property
    def runs(self) -> RunService:
        """The dataflow runs: ``emu.runs.steer(flow_id, RunOutcome.failed(...))``,
        ``emu.runs.default = RunOutcome.partial()`` (``runs.py``)."""
        return self._pipeline.runs

    def runs_of(
        self, flow_id: str, org_id: str | None = None, sandbox: str = "prod"
    ) -> list[dict[str, Any]]:
        """A flow's runs so far (made up to the pipeline clock's now), oldest first."""
        return self._pipeline.runs.of(self._scope(org_id, sandbox), flow_id)
