"""Campaigns in the single table: pk `CAMPAIGN`, sk `<campaign_id>`, the model as JSON in `campaign`
and its `label`. Campaigns are few, so one partition holds them all and listing is one paginated
Query. Reads are consistent: a change is seen by the next request."""

from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.dynamo import Item, PartitionStore, write
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.campaign import Campaign


class CampaignStore(PartitionStore[Campaign]):
    PARTITION = "CAMPAIGN"
    UNREADABLE = "Campaigns could not be read."

    def _record(self, item: Item) -> Campaign:
        return Campaign.model_validate_json(item["campaign"]["S"])

    def create(self, campaign: Campaign) -> None:
        """Store a new campaign; an existing campaign_id is a Conflict."""
        self._put(campaign, "attribute_not_exists(pk)", Conflict(f"Campaign {campaign.campaign_id} exists."))

    def replace(self, campaign: Campaign) -> None:
        """Overwrite an existing campaign; a missing one is NotFound."""
        self._put(campaign, "attribute_exists(pk)", NotFound(f"No campaign {campaign.campaign_id}."))

    def archive(self, campaign_id: str, now: datetime) -> Campaign:
        """Mark the campaign archived (idempotent); a missing one is NotFound."""
        campaign = self.get(campaign_id)
        if campaign is None:
            raise NotFound(f"No campaign {campaign_id}.")
        if campaign.archived:
            return campaign
        archived = campaign.model_copy(update={"archived": True, "updated_at": now})
        self.replace(archived)
        return archived

    def _put(self, campaign: Campaign, condition: str, failed: Exception) -> None:
        if not write(
            self._dynamodb.put_item,
            "Campaigns could not be written.",
            TableName=self._table,
            Item={
                **self._key(campaign.campaign_id),
                "label": {"S": campaign.label},
                "campaign": {"S": campaign.model_dump_json()},
            },
            ConditionExpression=condition,
        ):
            raise failed
