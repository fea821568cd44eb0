"""Monthly cost of each profile, read from its synthesized template: resource counts x a documented price list.

`make cost` (or `python -m infra.cost`) synthesises both profiles offline and prints one table: every
billed line at rest (no users) and at 10,000 users. Prices: AWS on-demand list prices for eu-central-1
(Frankfurt) in USD, as published in 2025 (`PRICES`, with the always-free allowances that apply to every
account in `FREE`); usage per user: `USAGE`. Both are estimates to compare profiles, not a quote:
data transfer out, taxes and the 12-month free tier are left out.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOURS_PER_MONTH = 730
USERS = 10_000

PRICES: dict[str, float] = {
    "nat_gateway_hour": 0.052,
    "nat_gateway_gb": 0.052,
    "public_ipv4_hour": 0.005,
    "interface_endpoint_az_hour": 0.012,
    "aurora_acu_hour": 0.14,  # Aurora Serverless v2, PostgreSQL, standard storage configuration
    "aurora_storage_gb_month": 0.11,
    "aurora_io_million": 0.22,
    "rds_proxy_acu_hour": 0.015,  # billed on the Serverless v2 capacity, at least 8 ACU
    "secret_month": 0.40,
    "kms_key_month": 1.00,
    "alarm_month": 0.10,
    "dashboard_month": 3.00,
    "lambda_request_million": 0.20,
    "lambda_gb_second_arm64": 0.0000133334,
    "lambda_gb_second_x86_64": 0.0000166667,
    "http_api_million": 1.20,
    "s3_gb_month": 0.0245,
    "logs_ingest_gb": 0.63,
    "cognito_plus_mau": 0.02,
    "bedrock_haiku_input_million": 0.25,
    "bedrock_haiku_output_million": 1.25,
}
FREE: dict[str, float] = {
    "alarms": 10,
    "dashboards": 3,
    "lambda_requests": 1_000_000,
    "lambda_gb_seconds": 400_000,
    "logs_gb": 5,
    "cognito_essentials_mau": 10_000,
}
USAGE: dict[str, float] = {
    "api_requests_per_user": 600,  # 20 a day
    "api_seconds_per_request": 0.15,
    "chat_messages_per_user": 30,
    "chat_input_tokens": 1_500,
    "chat_output_tokens": 300,
    "receipts_per_user": 8,
    "ocr_seconds_per_receipt": 6,
    "receipt_mb": 1.0,
    "receipt_days_kept": 90,
    "log_kb_per_request": 2,
    "db_gb_at_rest": 1,
    "db_mb_per_user": 2,
    "db_io_per_request": 20,
    "db_acu_at_load": 1.5,  # average capacity the writer needs for 10,000 users
    "db_active_minutes_per_wake": 6,  # one evaluator run plus the 5-minute pause delay
    "db_acu_when_awake": 0.5,
    "proxy_min_acu": 8,
    "nat_gb_at_load": 10,  # Bedrock, weather and web calls of 10,000 users
    "evaluator_seconds": 5,
}


@dataclass(frozen=True)
class Line:
    item: str
    unit_price: str
    at_rest: float
    at_load: float


class Template:
    """The figures of one synthesized template that cost money."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.resources: dict[str, dict[str, Any]] = template["Resources"]

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [r.get("Properties", {}) for r in self.resources.values() if r["Type"] == type_]

    def count(self, type_: str) -> int:
        return len(self.of_type(type_))

    @property
    def public_ipv4(self) -> int:
        public_writers = [i for i in self.of_type("AWS::RDS::DBInstance") if i.get("PubliclyAccessible")]
        return self.count("AWS::EC2::EIP") + len(public_writers)

    @property
    def interface_endpoint_azs(self) -> int:
        endpoints = [e for e in self.of_type("AWS::EC2::VPCEndpoint") if e["VpcEndpointType"] == "Interface"]
        return sum(len(e.get("SubnetIds", [])) for e in endpoints)

    @property
    def db_scaling(self) -> dict[str, float]:
        (cluster,) = self.of_type("AWS::RDS::DBCluster")
        return dict(cluster["ServerlessV2ScalingConfiguration"])

    @property
    def evaluator_runs_per_month(self) -> float:
        for rule in self.of_type("AWS::Events::Rule"):
            match = re.fullmatch(
                r"rate\((\d+) (minute|minutes|hour|hours)\)", rule.get("ScheduleExpression", "")
            )
            if match:
                minutes = int(match.group(1)) * (60 if match.group(2).startswith("hour") else 1)
                return HOURS_PER_MONTH * 60 / minutes
        return 0.0

    def function_memory_gb(self, service: str) -> float:
        for fn in self.of_type("AWS::Lambda::Function"):
            if fn.get("Environment", {}).get("Variables", {}).get("POWERTOOLS_SERVICE_NAME") == service:
                return float(fn["MemorySize"]) / 1024
        raise KeyError(service)

    @property
    def architecture(self) -> str:
        archs = {
            a for fn in self.of_type("AWS::Lambda::Function") for a in fn.get("Architectures", ["x86_64"])
        }
        return "arm64" if archs == {"arm64"} else "x86_64"

    @property
    def cognito_plus(self) -> bool:
        return any(p.get("UserPoolTier") == "PLUS" for p in self.of_type("AWS::Cognito::UserPool"))


def _network(t: Template) -> list[Line]:
    nat = t.count("AWS::EC2::NatGateway")
    nat_rest = nat * HOURS_PER_MONTH * PRICES["nat_gateway_hour"]
    return [
        Line(
            "NAT gateway",
            "$0.052/h + $0.052/GB",
            nat_rest,
            nat_rest + nat * USAGE["nat_gb_at_load"] * PRICES["nat_gateway_gb"],
        ),
        Line(
            "Public IPv4 addresses",
            "$0.005/h each",
            *[t.public_ipv4 * HOURS_PER_MONTH * PRICES["public_ipv4_hour"]] * 2,
        ),
        Line(
            "Interface VPC endpoints",
            "$0.012/h per AZ",
            *[t.interface_endpoint_azs * HOURS_PER_MONTH * PRICES["interface_endpoint_az_hour"]] * 2,
        ),
    ]


def _database(t: Template) -> list[Line]:
    scaling = t.db_scaling
    minimum = float(scaling["MinCapacity"])
    if minimum == 0 and scaling.get("SecondsUntilAutoPause"):
        awake_hours = t.evaluator_runs_per_month * USAGE["db_active_minutes_per_wake"] / 60
        rest_acu_hours = awake_hours * USAGE["db_acu_when_awake"]
    else:
        rest_acu_hours = max(minimum, 0.5) * HOURS_PER_MONTH
    load_acu_hours = max(minimum, USAGE["db_acu_at_load"]) * HOURS_PER_MONTH
    requests = USERS * USAGE["api_requests_per_user"]
    storage_load = USAGE["db_gb_at_rest"] + USERS * USAGE["db_mb_per_user"] / 1024
    proxies = t.count("AWS::RDS::DBProxy")
    proxy_acu = max(USAGE["proxy_min_acu"], USAGE["db_acu_at_load"])
    return [
        Line(
            "Aurora Serverless v2 capacity",
            "$0.14/ACU-h",
            rest_acu_hours * PRICES["aurora_acu_hour"],
            load_acu_hours * PRICES["aurora_acu_hour"],
        ),
        Line(
            "Aurora storage and I/O",
            "$0.11/GB-month, $0.22/M I/O",
            USAGE["db_gb_at_rest"] * PRICES["aurora_storage_gb_month"],
            storage_load * PRICES["aurora_storage_gb_month"]
            + requests * USAGE["db_io_per_request"] / 1e6 * PRICES["aurora_io_million"],
        ),
        Line(
            "RDS Proxy",
            "$0.015/ACU-h, 8 ACU minimum",
            *[proxies * proxy_acu * HOURS_PER_MONTH * PRICES["rds_proxy_acu_hour"]] * 2,
        ),
        Line(
            "Secrets Manager secrets",
            "$0.40/secret",
            *[t.count("AWS::SecretsManager::Secret") * PRICES["secret_month"]] * 2,
        ),
    ]


def _compute(t: Template) -> list[Line]:
    gb_second = PRICES[f"lambda_gb_second_{t.architecture}"]
    evaluator_gbs = (
        t.evaluator_runs_per_month * USAGE["evaluator_seconds"] * t.function_memory_gb("alert-evaluator")
    )
    requests = USERS * USAGE["api_requests_per_user"]
    receipts = USERS * USAGE["receipts_per_user"]
    load_gbs = (
        evaluator_gbs
        + requests * USAGE["api_seconds_per_request"] * t.function_memory_gb("agent-chat")
        + receipts * USAGE["ocr_seconds_per_receipt"] * t.function_memory_gb("ocr")
    )
    invocations = requests + receipts + t.evaluator_runs_per_month

    def lambda_cost(gbs: float, calls: float) -> float:
        billable_gbs = max(0.0, gbs - FREE["lambda_gb_seconds"])
        billable_calls = max(0.0, calls - FREE["lambda_requests"])
        return billable_gbs * gb_second + billable_calls / 1e6 * PRICES["lambda_request_million"]

    chat = USERS * USAGE["chat_messages_per_user"]
    bedrock = chat * (
        USAGE["chat_input_tokens"] / 1e6 * PRICES["bedrock_haiku_input_million"]
        + USAGE["chat_output_tokens"] / 1e6 * PRICES["bedrock_haiku_output_million"]
    )
    return [
        Line(
            f"Lambda ({t.architecture})",
            f"${gb_second:.10f}/GB-s, $0.20/M",
            lambda_cost(evaluator_gbs, t.evaluator_runs_per_month),
            lambda_cost(load_gbs, invocations),
        ),
        Line("HTTP API requests", "$1.20/M", 0.0, requests / 1e6 * PRICES["http_api_million"]),
        Line("Bedrock (Claude 3 Haiku)", "$0.25/M in, $1.25/M out", 0.0, bedrock),
    ]


def _services(t: Template) -> list[Line]:
    alarms = max(0, t.count("AWS::CloudWatch::Alarm") - FREE["alarms"]) * PRICES["alarm_month"]
    dashboards = (
        max(0, t.count("AWS::CloudWatch::Dashboard") - FREE["dashboards"]) * PRICES["dashboard_month"]
    )
    requests = USERS * USAGE["api_requests_per_user"]
    log_gb = requests * USAGE["log_kb_per_request"] / 1024 / 1024
    receipts_gb = (
        USERS * USAGE["receipts_per_user"] * USAGE["receipt_mb"] / 1024 * USAGE["receipt_days_kept"] / 30
    )
    mau_price = PRICES["cognito_plus_mau"] if t.cognito_plus else 0.0
    return [
        Line("KMS keys", "$1/key", *[t.count("AWS::KMS::Key") * PRICES["kms_key_month"]] * 2),
        Line(
            "CloudWatch alarms and dashboards",
            "$0.10/alarm over 10, $3/dashboard over 3",
            alarms + dashboards,
            alarms + dashboards,
        ),
        Line(
            "CloudWatch Logs ingestion",
            "$0.63/GB over 5 GB",
            0.0,
            max(0.0, log_gb - FREE["logs_gb"]) * PRICES["logs_ingest_gb"],
        ),
        Line("S3 storage (receipts, indexes)", "$0.0245/GB-month", 0.0, receipts_gb * PRICES["s3_gb_month"]),
        Line(
            "Cognito " + ("Plus" if t.cognito_plus else "Essentials"),
            "$0.02/MAU" if t.cognito_plus else "free to 10,000 MAU",
            0.0,
            USERS * mau_price,
        ),
    ]


SECTIONS: tuple[Callable[[Template], list[Line]], ...] = (_network, _database, _compute, _services)


def estimate(template: dict[str, Any]) -> list[Line]:
    """Every billed line of one template, at rest and at 10,000 users."""
    parsed = Template(template)
    return [line for section in SECTIONS for line in section(parsed)]


def total(lines: list[Line]) -> tuple[float, float]:
    return sum(line.at_rest for line in lines), sum(line.at_load for line in lines)


def table(estimates: dict[str, list[Line]]) -> str:
    """A Markdown table: one row per billed item, two columns (at rest, 10,000 users) per profile."""
    names = list(estimates)
    header = ["item", "price"] + [f"{n} {w}" for n in names for w in ("at rest", f"{USERS:,} users")]
    rows = [header, ["---"] * len(header)]
    items = [line.item for line in estimates[names[0]]]
    for index, item in enumerate(items):
        cells = [item, estimates[names[0]][index].unit_price]
        for name in names:
            line = estimates[name][index]
            cells += [f"{line.at_rest:.2f}", f"{line.at_load:.2f}"]
        rows.append(cells)
    totals = ["**total (USD/month)**", ""]
    for name in names:
        rest, load = total(estimates[name])
        totals += [f"**{rest:.2f}**", f"**{load:.2f}**"]
    rows.append(totals)
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def document(estimates: dict[str, list[Line]]) -> str:
    """The cost page: the table, then where its numbers come from."""
    return (
        "# Monthly cost by profile\n\n"
        "Generated by `make cost` (`infra/cost.py`) from the synthesized templates: resource counts x the\n"
        "price list in `infra/cost.py` (eu-central-1 on-demand list prices, USD, always-free allowances\n"
        "applied; data transfer out and taxes left out). *At rest* is an idle month with no users;\n"
        f"*{USERS:,} users* uses the per-user usage in `USAGE` there. Estimates to compare profiles, not a quote.\n\n"
        + table(estimates)
        + "\n"
    )


def synthesize_profiles(outdir: Path) -> dict[str, dict[str, Any]]:
    """Synthesise both profiles offline (placeholder layers) and return their templates."""
    from infra.app import create_app

    templates = {}
    for profile in ("household", "production"):
        context = {
            "placeholder_layers": True,
            "publish_model_weights": False,
            "profile": profile,
            "alarm_email": "cost@example.com",
        }
        app, _ = create_app(outdir=str(outdir / profile), context=context)
        app.synth()
        templates[profile] = json.loads((outdir / profile / "FoodSave.template.json").read_text())
    return templates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--household", type=Path, help="a synthesized household template (else synthesise)")
    parser.add_argument("--production", type=Path, help="a synthesized production template (else synthesise)")
    parser.add_argument("--write", type=Path, help="also write the page (docs/cost.md) to this path")
    args = parser.parse_args(argv)
    if args.household and args.production:
        templates = {
            "household": json.loads(args.household.read_text()),
            "production": json.loads(args.production.read_text()),
        }
    else:
        with tempfile.TemporaryDirectory() as tmp:
            templates = synthesize_profiles(Path(tmp))
    page = document({name: estimate(t) for name, t in templates.items()})
    print(page)
    if args.write:
        args.write.write_text(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
