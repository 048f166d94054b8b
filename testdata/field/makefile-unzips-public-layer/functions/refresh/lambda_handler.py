"""Refreshes stored bars (fixture; contents invented)."""
import msgpack
import numpy as np
import pandas as pd
import pyarrow as pa


def handler(event, context):
    frame = pd.DataFrame({"close": np.arange(3)})
    return {"rows": pa.Table.from_pandas(frame).num_rows, "packed": len(msgpack.packb([1]))}
