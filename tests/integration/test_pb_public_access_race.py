# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two dms_public_access runs on the same instance at once (two hosts, -f 2, both delegating to localhost).

Before, one of the two failed in every trial with "HTTP 400 ... public access is already enabled": it never read the
instance again after DMS answered DMS.00400026 to it while the other run's change was under way.
"""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.tests.integration.test_pb_public_access import BROKERS, EIPS, OTHER, _instance

HOSTS = ("racer_one", "racer_two")
ARGS = ["-i", "%s,%s," % HOSTS, "-f", "2"]
TRIALS = 10


def _race(emulator, playbook, instance_id, engine, extra, **spec):
    emulator.admin.reset()
    _instance(emulator, instance_id, engine, **spec)  # the EIPs exist in the emulated VPC service
    run = playbook("public_access_race.yml", extra, args=ARGS)
    assert run.returncode == 0, run
    results = [run.results["change_%s" % host] for host in HOSTS]
    for result in results:
        assert result["failed"] is False, result["msg"]
        assert "already" not in result.get("msg", "")
    return run, results


@pytest.mark.long
def test_two_runs_bind_the_same_eips_at_once(emulator, playbook, instance_id):
    eips = EIPS[:1]
    for trial in range(TRIALS):
        run, results = _race(
            emulator, playbook, instance_id, "rabbitmq", {"eips_by_host": {host: eips for host in HOSTS}}
        )
        # Exactly one run sent the bind that DMS accepted; the other found it done. Both end bound.
        changed = [result["changed"] for result in results]
        assert sorted(changed) == [False, True], (trial, results)
        for result in results:
            assert result["instance"]["enable_publicip"] is True and result["instance"]["publicip_id"] == eips[0]
        assert emulator.admin.stats()["requests_by_route"]["instances.update"] >= 2


@pytest.mark.parametrize("engine", ["kafka", "rocketmq"])
def test_two_runs_bind_at_once_on_every_engine(engine, emulator, playbook, instance_id):
    eips = EIPS[: BROKERS[engine]]
    run, results = _race(emulator, playbook, instance_id, engine, {"eips_by_host": {host: eips for host in HOSTS}})
    assert sorted(result["changed"] for result in results) == [False, True]
    assert all(result["instance"]["enable_publicip"] is True for result in results)


def test_two_runs_bind_different_eips_at_once(emulator, playbook, instance_id):
    # Both succeed: the later one switches the instance to its EIPs once the earlier change is done.
    by_host = {HOSTS[0]: EIPS[:2], HOSTS[1]: OTHER[:2]}
    run, results = _race(emulator, playbook, instance_id, "rocketmq", {"eips_by_host": by_host})
    assert all(result["changed"] is True for result in results)
    for result in results:
        assert result["instance"]["publicip_id"] in (",".join(EIPS[:2]), ",".join(OTHER[:2]))


def test_two_runs_unbind_at_once(emulator, playbook, instance_id):
    run, results = _race(
        emulator, playbook, instance_id, "rabbitmq", {"state": "absent", "eips_by_host": {}}, publicip_ids=EIPS[:1]
    )
    assert sorted(result["changed"] for result in results) == [False, True]
    assert all(result["instance"]["enable_publicip"] is False for result in results)
