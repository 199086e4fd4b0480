# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_instance_info's options without Ansible: what the list query says, and which answers are kept."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError
from ansible_collections.hwcloud.dms.plugins.module_utils._instance_info import InstanceInfoOptions


@pytest.mark.parametrize(
    "given, sent",
    [("kafka", "kafka"), ("rabbitmq", "rabbitmq"), ("rocketmq", "reliability"), ("reliability", "reliability")],
)
def test_engine_is_sent_as_the_api_names_it(given, sent):
    assert InstanceInfoOptions.from_params({"engine": given}).query() == [("engine", sent)]


def test_the_query_holds_every_filter_given_and_nothing_else():
    assert InstanceInfoOptions.from_params({}).query() == []
    options = InstanceInfoOptions.from_params(
        {
            "name": "orders",
            "name_match": "contains",
            "status": "RUNNING",
            "include_failure": True,
            "instance_id": "abc-1",
        }
    )
    assert options.query() == [
        ("name", "orders"),
        ("exact_match_name", "false"),
        ("instance_id", "abc-1"),
        ("status", "RUNNING"),
        ("include_failure", "true"),
    ]
    assert InstanceInfoOptions.from_params({"name": "orders"}).query() == [
        ("name", "orders"),
        ("exact_match_name", "true"),
    ]


def test_rocketmq_instances_match_either_engine_name():
    options = InstanceInfoOptions.from_params({"engine": "rocketmq"})
    assert options.keeps({"engine": "reliability"}) and options.keeps({"engine": "RocketMQ"})
    assert not options.keeps({"engine": "kafka"}) and not options.keeps({})


def test_exact_names_are_compared_whole_and_contains_is_left_to_the_api():
    exact = InstanceInfoOptions.from_params({"name": "orders"})
    assert exact.keeps({"name": "orders"}) and not exact.keeps({"name": "orders-old"}) and not exact.keeps({})
    assert InstanceInfoOptions.from_params({"name": "orders", "name_match": "contains"}).keeps({"name": "my-orders-1"})


@pytest.mark.parametrize(
    "params, words",
    [
        ({"engine": "redis"}, "Option 'engine' must be kafka, rabbitmq or rocketmq"),
        ({"name_match": "prefix"}, "Option 'name_match' must be exact or contains"),
        ({"instance_id": "a/b"}, "Option 'instance_id'"),
        ({"status": " RUNNING"}, "Option 'status' has a leading or trailing space"),
    ],
)
def test_bad_options_name_the_option(params, words):
    with pytest.raises(ConfigurationError, match=words):
        InstanceInfoOptions.from_params(params)
