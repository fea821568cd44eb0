"""Weather agent: the forecast from Open-Meteo (no key) through the shared resilient HTTP client; when the service
cannot be reached the reply says so plainly and lists `weather` as degraded, never a made-up forecast."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.entities import DEFAULT_CITY, parse_city, parse_day_offset
from foodsave.agents.http import ServiceUnavailable, shared_client

SERVICE = "weather"
WEATHER_CODES = {  # WMO codes, coarse
    0: ("bezchmurnie", "clear sky"), 1: ("przeważnie słonecznie", "mainly clear"), 2: ("częściowe zachmurzenie",
    "partly cloudy"), 3: ("pochmurno", "overcast"), 45: ("mgła", "fog"), 48: ("mgła", "fog"),
    51: ("mżawka", "drizzle"), 53: ("mżawka", "drizzle"), 55: ("mżawka", "drizzle"), 61: ("deszcz", "rain"),
    63: ("deszcz", "rain"), 65: ("ulewa", "heavy rain"), 71: ("śnieg", "snow"), 73: ("śnieg", "snow"),
    75: ("śnieżyca", "heavy snow"), 80: ("przelotne opady", "showers"), 81: ("przelotne opady", "showers"),
    82: ("ulewy", "heavy showers"), 95: ("burza", "thunderstorm"), 96: ("burza z gradem", "thunderstorm with hail"),
    99: ("burza z gradem", "thunderstorm with hail"),
}  # fmt: skip


def handle(ctx: AgentContext) -> AgentReply:
    name, lat, lon = parse_city(ctx.message) or DEFAULT_CITY
    offset = min(parse_day_offset(ctx.message, ctx.today), 6)
    params = {
        "latitude": lat,
        "longitude": lon,
        "daily": "weathercode,temperature_2m_max,temperature_2m_min,precipitation_sum,precipitation_probability_max",
        "timezone": ctx.user.timezone or "Europe/Warsaw",
        "forecast_days": 7,
    }
    try:
        payload = shared_client(ctx.settings.http_timeout_seconds).get_json(
            SERVICE, ctx.settings.weather_url, params
        )
        day = _day(payload, offset)
    except ServiceUnavailable:
        return _unavailable(ctx, name)
    except (KeyError, IndexError, TypeError, ValueError):
        return _unavailable(ctx, name)
    when = (ctx.today + timedelta(days=offset)).isoformat()
    code = WEATHER_CODES.get(int(day["code"]), ("?", "?")) if day["code"] is not None else ("?", "?")
    facts = [
        f"city {name}", f"date {when}", f"min {day['tmin']}", f"max {day['tmax']}",
        f"precipitation {day['rain']} mm", f"precipitation probability {day['prob']}%",
    ]  # fmt: skip
    text = ctx.say(
        "Pogoda — {c}, {d}: {w}, od {lo}°C do {hi}°C, opady {r} mm (prawdopodobieństwo {p}%).",
        "Weather — {c}, {d}: {w}, {lo}°C to {hi}°C, precipitation {r} mm ({p}% chance).",
        c=name,
        d=when,
        w=code[0] if ctx.lang == "pl" else code[1],
        lo=day["tmin"],
        hi=day["tmax"],
        r=day["rain"],
        p=day["prob"],
    )
    source = {
        "type": "web",
        "service": "open-meteo",
        "url": ctx.settings.weather_url,
        "title": f"Open-Meteo: {name}",
    }
    return AgentReply(text, facts=facts, sources=[source])


def _day(payload: Any, offset: int) -> dict[str, Any]:
    daily = payload["daily"]
    return {
        "code": daily["weathercode"][offset],
        "tmin": daily["temperature_2m_min"][offset],
        "tmax": daily["temperature_2m_max"][offset],
        "rain": daily["precipitation_sum"][offset],
        "prob": (daily.get("precipitation_probability_max") or [None] * 7)[offset],
    }


def _unavailable(ctx: AgentContext, city: str) -> AgentReply:
    return AgentReply(
        ctx.say(
            "Prognoza pogody jest teraz niedostępna (serwis pogodowy nie odpowiada), więc nie podam jej dla: {c}. "
            "Spróbuj później.",
            "The weather forecast is unavailable right now (the weather service does not answer), so I cannot "
            "give one for {c}. Please try again later.",
            c=city,
        ),
        degraded=[SERVICE],
    )
