"""Lists open positions (fixture; contents invented)."""
from alpaca.trading.client import TradingClient


def handler(event, context):
    client = TradingClient("key", "secret", paper=True)
    return {"positions": len(client.get_all_positions())}
