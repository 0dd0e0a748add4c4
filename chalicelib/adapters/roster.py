"""The roster in the single table (contract section 8).

| item | pk | sk | attributes |
|---|---|---|---|
| artist | `ARTIST` | `<artist_id>` | `label`, `artist` (the model as JSON), `version` |
| account owner | `OWNER` | `<platform>#<account_id>` | `platform`, `account_id`, `artist_id`, `label`, |
| | | | `changed_at`; `released` once released |

Artists are few, like campaigns: one partition, listed with one Query. Every owner item of the
deployment is in one partition too, so that the publish job reads every registered account (and when
the roster last changed) with one Query per run, whatever the number of campaigns.

An artist and its owner items change together, in one TransactWriteItems: the artist conditioned on
being new (or on the version read), each account claimed conditioned on being free, released or
already this artist's, each account released conditioned on still being this artist's. Two editors
registering the same account at the same moment: one transaction wins, the other is cancelled.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.dynamo import DynamoTable, batch_get, get_item, partition
from chalicelib.adapters.event_store import iso
from chalicelib.domain.roster import AccountKey, Owner, RosterView
from chalicelib.domain.stored import StoredArtist
from chalicelib.errors import AccountTaken, Conflict, Contended, DependencyFailed
from chalicelib.models.artist import RegisteredArtist

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, TransactWriteItemTypeDef

ARTISTS = "ARTIST"
OWNERS = "OWNER"
# Claimable: nobody's, released, or this artist's already (a retried write).
CLAIMABLE = "attribute_not_exists(pk) OR attribute_exists(released) OR artist_id = :artist"
STILL_MINE = "artist_id = :artist AND attribute_not_exists(released)"


def _artist_key(artist_id: str) -> dict[str, Any]:
    return {"pk": {"S": ARTISTS}, "sk": {"S": artist_id}}


def _owner_key(key: AccountKey) -> dict[str, Any]:
    platform, account_id = key
    return {"pk": {"S": OWNERS}, "sk": {"S": f"{platform}#{account_id}"}}


def _stored(item: dict[str, Any]) -> StoredArtist:
    return StoredArtist(RegisteredArtist.model_validate_json(item["artist"]["S"]), int(item["version"]["N"]))


def _owner(item: dict[str, Any]) -> Owner:
    return Owner(
        platform=item["platform"]["S"],
        account_id=item["account_id"]["S"],
        artist_id=item["artist_id"]["S"],
        label=item["label"]["S"],
        changed_at=datetime.fromisoformat(item["changed_at"]["S"]),
        released="released" in item,
    )


class DynamoRoster(DynamoTable):
    # Reads ------------------------------------------------------------------------------------------

    def get(self, artist_id: str) -> StoredArtist | None:
        item = get_item(self._dynamodb, self._table, _artist_key(artist_id), "Artists could not be read.")
        return _stored(item) if item else None

    def list_all(self) -> list[RegisteredArtist]:
        """Every artist, archived ones included, by artist_id."""
        return [_stored(item).artist for item in self._partition(ARTISTS, "Artists")]

    def owners(self) -> list[Owner]:
        """Every owner item of the deployment, released ones included: one (paginated) Query."""
        return [_owner(item) for item in self._partition(OWNERS, "Account owners")]

    def lookup(self, artist_ids: Iterable[str], accounts: Iterable[AccountKey]) -> RosterView:
        """The artists and the held accounts among those asked for: one BatchGetItem per 100 keys."""
        keys = [_artist_key(a) for a in dict.fromkeys(artist_ids)]
        keys += [_owner_key(k) for k in dict.fromkeys(accounts)]
        artists: dict[str, str] = {}
        owners: dict[AccountKey, Owner] = {}
        for item in self._batch_get(keys):
            if item["pk"]["S"] == ARTISTS:
                artists[item["sk"]["S"]] = item["label"]["S"]
            elif "released" not in item:
                owner = _owner(item)
                owners[owner.key] = owner
        return RosterView(artists, owners)

    def _partition(self, pk: str, what: str) -> list[dict[str, Any]]:
        return list(partition(self._dynamodb, self._table, pk, f"{what} could not be read."))

    def _batch_get(self, keys: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(
            batch_get(
                self._dynamodb,
                self._table,
                keys,
                failure="The roster could not be read.",
                throttled="The roster kept throttling reads.",
                sleep=self._sleep,
                ConsistentRead=True,
            )
        )

    # The one write ----------------------------------------------------------------------------------

    def commit(
        self,
        artist: RegisteredArtist,
        *,
        version: int | None,
        claim: Iterable[AccountKey],
        release: Iterable[AccountKey],
        now: datetime,
    ) -> int:
        """Write the artist with the accounts it claims and releases, all or nothing; the new version.

        `version` None creates the artist (Conflict if its id exists); otherwise the stored artist must
        still be at that version. AccountTaken names the accounts another artist holds; Contended means
        a concurrent change won (read again and retry)."""
        claims, releases = sorted(set(claim)), sorted(set(release))
        new_version = 1 if version is None else version + 1
        put_artist: PutTypeDef = {
            "TableName": self._table,
            "Item": {
                **_artist_key(artist.artist_id),
                "label": {"S": artist.label},
                "artist": {"S": artist.model_dump_json()},
                "version": {"N": str(new_version)},
            },
        }
        if version is None:
            put_artist["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put_artist["ConditionExpression"] = "version = :seen"
            put_artist["ExpressionAttributeValues"] = {":seen": {"N": str(version)}}
        items: list[TransactWriteItemTypeDef] = [{"Put": put_artist}]
        items += [{"Put": self._owner_put(artist, key, now, CLAIMABLE)} for key in claims]
        items += [{"Put": self._owner_put(artist, key, now, STILL_MINE, released=True)} for key in releases]
        try:
            self._dynamodb.transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise DependencyFailed("The roster could not be written.") from error
            raise _cancelled(error, artist.artist_id, creating=version is None, claims=claims) from error
        except BotoCoreError as error:
            raise DependencyFailed("The roster could not be written.") from error
        return new_version

    def _owner_put(
        self,
        artist: RegisteredArtist,
        key: AccountKey,
        now: datetime,
        condition: str,
        *,
        released: bool = False,
    ) -> PutTypeDef:
        platform, account_id = key
        item: dict[str, Any] = {
            **_owner_key(key),
            "platform": {"S": platform},
            "account_id": {"S": account_id},
            "artist_id": {"S": artist.artist_id},
            "label": {"S": artist.label},
            "changed_at": {"S": iso(now)},
        }
        if released:
            item["released"] = {"BOOL": True}
        return {
            "TableName": self._table,
            "Item": item,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": {":artist": {"S": artist.artist_id}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }


def _cancelled(error: ClientError, artist_id: str, *, creating: bool, claims: list[AccountKey]) -> Exception:
    """The domain error of a cancelled transaction, from its reasons (one per item, in order: the
    artist, its claims, its releases)."""
    reasons: list[Any] = list(error.response.get("CancellationReasons") or [])
    codes = [str(reason.get("Code", "None")) for reason in reasons]
    claimed = len(claims)
    if creating and codes[:1] == ["ConditionalCheckFailed"]:
        return Conflict(f"Artist {artist_id} exists.")
    if "TransactionConflict" in codes or any(
        code == "ConditionalCheckFailed" for index, code in enumerate(codes) if index == 0 or index > claimed
    ):
        return Contended("The artist or its accounts changed meanwhile; retry.")
    taken = {
        claims[index - 1]: str(reason.get("Item", {}).get("label", {}).get("S", "another label"))
        for index, reason in enumerate(reasons)
        if 1 <= index <= claimed and reason.get("Code") == "ConditionalCheckFailed"
    }
    if taken:
        return AccountTaken(taken)
    return DependencyFailed("The roster could not be written.")
