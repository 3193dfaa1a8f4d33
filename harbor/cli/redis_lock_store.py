"""Rasa's Redis lock store, made correct under concurrency.

Rasa 3.6's RedisLockStore issues a ticket by reading the lock (JSON), adding a ticket in Python and
writing it back: two replicas taking a ticket for one conversation at the same moment read the same
lock, and one ticket is lost (8 clients x 25 tickets gave 42 distinct numbers for 200). Finishing
(remove the ticket, delete the lock if nobody waits) has the same race, and can delete a lock that a
waiter has just joined. Here each of those steps is one Lua script, run atomically by Redis, on the
same JSON Rasa reads, so the rest of Rasa's locking (waiting for one's turn) is unchanged.

Used when REDIS_URL is set (harbor/cli/rasa_server.py writes the lock store into the endpoints it runs with).
"""

from __future__ import annotations

import time
from typing import Any

import redis
from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, LOCK_LIFETIME, RedisLockStore

# Tickets are stored as Rasa stores them: {"conversation_id": ..., "tickets": ["{\"number\": n, \"expires\": t}"]}.
_KEEP_LIVE = """
local function live_tickets(raw, now)
  local kept = {}
  if raw then
    for _, t in ipairs(cjson.decode(raw).tickets or {}) do
      if cjson.decode(t).expires >= now then table.insert(kept, t) end
    end
  end
  return kept
end
"""
ISSUE = _KEEP_LIVE + """
local now, lifetime = tonumber(ARGV[1]), tonumber(ARGV[2])
local tickets = live_tickets(redis.call('GET', KEYS[1]), now)
local number = 0
if #tickets > 0 then number = cjson.decode(tickets[#tickets]).number + 1 end
table.insert(tickets, cjson.encode({number = number, expires = now + lifetime}))
redis.call('SET', KEYS[1], cjson.encode({conversation_id = ARGV[3], tickets = tickets}))
return number
"""
FINISH = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local kept = {}
for _, t in ipairs(cjson.decode(raw).tickets or {}) do
  if cjson.decode(t).number ~= tonumber(ARGV[1]) then table.insert(kept, t) end
end
if #kept == 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('SET', KEYS[1], cjson.encode({conversation_id = ARGV[2], tickets = kept}))
return #kept
"""
DROP_EXPIRED = _KEEP_LIVE + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local kept = live_tickets(raw, tonumber(ARGV[1]))
if #kept == 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('SET', KEYS[1], cjson.encode({conversation_id = ARGV[2], tickets = kept}))
return #kept
"""


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Any = None, url: str | None = None, key_prefix: str | None = None) -> None:
        from harbor.core.settings import redis_url

        self.red = redis.StrictRedis.from_url(url or redis_url(), socket_timeout=10)
        self.key_prefix = (key_prefix + ":" if key_prefix else "") + DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        self._issue = self.red.register_script(ISSUE)
        self._finish = self.red.register_script(FINISH)
        self._drop_expired = self.red.register_script(DROP_EXPIRED)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return int(self._issue(keys=[self.key_prefix + conversation_id],
                               args=[time.time(), lock_lifetime, conversation_id]))

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._finish(keys=[self.key_prefix + conversation_id], args=[ticket_number, conversation_id])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Removing the ticket and deleting an empty lock are one step: a ticket issued meanwhile survives.
        self.finish_serving(conversation_id, ticket_number)

    def update_lock(self, conversation_id: str) -> None:
        self._drop_expired(keys=[self.key_prefix + conversation_id], args=[time.time(), conversation_id])
