"""Runs the pinned blackbox exactly as its image does (`blackbox`, no arguments), for
test/integration/standalone-blackbox.test.ts, with two additions that change nothing blackbox does:

- stand-ins for the two dependencies Debian lacks, imported but not used by a postgres/s3/discord
  configuration: `single_source.get_version` (blackbox's __init__ asks it for its version) and
  `telebot` (imported by the Telegram notifier module);
- a record of the configuration keys blackbox reads: every handler's `config` and the top level
  become dicts that note each key looked up (`[]` or `.get`; `in` does not count), written as JSON
  with every key the file sets to PGFLEET_TEST_READS when blackbox exits.
"""

import atexit
import json
import os
import sys
import types

single_source = types.ModuleType("single_source")
single_source.get_version = lambda *args, **kwargs: "3.0.2"
telebot = types.ModuleType("telebot")
telebot.TeleBot = type("TeleBot", (), {})
telebot.apihelper = types.ModuleType("telebot.apihelper")
telebot.apihelper.ApiTelegramException = type("ApiTelegramException", (Exception,), {})
sys.modules.update({"single_source": single_source, "telebot": telebot, "telebot.apihelper": telebot.apihelper})

from blackbox import config as blackbox_config  # noqa: E402
from blackbox.cli import cli  # noqa: E402
from blackbox.handlers._base import BlackboxHandler  # noqa: E402

READ = set()
SET = set()
SECTIONS = {"database": "databases", "storage": "storage", "notifier": "notifiers"}


class Reads(dict):
    """A dict that notes the keys looked up in it, as `<prefix><key>`."""

    def __init__(self, data, prefix):
        super().__init__(data)
        self.prefix = prefix

    def __getitem__(self, key):
        READ.add(self.prefix + key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READ.add(self.prefix + key)
        return super().get(key, default)


parse_config = blackbox_config.YAMLGetter.parse_config.__func__


def parse_and_record(cls, config_path=None):
    parse_config(cls, config_path)
    for key, value in cls._config.items():
        if key in SECTIONS.values():
            for kind, handlers in value.items():
                for handler_id, fields in handlers.items():
                    SET.update(f"{key}.{kind}.{handler_id}.{field}" for field in fields)
        else:
            SET.add(key)
    cls._config = Reads(cls._config, "")


blackbox_config.YAMLGetter.parse_config = classmethod(parse_and_record)

handler_init = BlackboxHandler.__init__


def init_and_record(self, **config):
    handler_init(self, **config)
    prefix = f"{SECTIONS[self.handler_type]}.{type(self).__name__.lower()}.{config['id']}."
    self.config = Reads(self.config, prefix)


BlackboxHandler.__init__ = init_and_record


@atexit.register
def write_reads():
    with open(os.environ["PGFLEET_TEST_READS"], "w", encoding="utf-8") as f:
        json.dump({"set": sorted(SET), "read": sorted(READ)}, f)


cli(args=[], prog_name="blackbox")
