from common_utils import x
