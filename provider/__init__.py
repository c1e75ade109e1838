"""aep-connections: a Pulumi dynamic provider for Adobe Experience Platform Flow Service base connections."""
