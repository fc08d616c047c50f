"""The functional departments (职能部门) a case can be dispatched to.

Each exists at city level and in every county; a category names its default one by key.
"""

from __future__ import annotations

DEPARTMENTS: dict[str, str] = {
    "rsj": "人力资源和社会保障局",
    "zjj": "住房和城乡建设局",
    "zrzyj": "自然资源局",
    "sthjj": "生态环境局",
    "jtysj": "交通运输局",
    "jyj": "教育局",
    "wjw": "卫生健康委员会",
    "scjgj": "市场监督管理局",
    "gaj": "公安局",
    "sfj": "司法局",
    "xfj": "信访局",
    "mzj": "民政局",
    "nyncj": "农业农村局",
}
