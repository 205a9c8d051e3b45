"""Builds traditional/energy-saving-handbook.pdf: a Word-made Traditional-Chinese government handbook (壹、/一、/（一） numbering, footer "- N -", ruled tables, 附件 and 附表)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

sys.path.insert(0, str(Path(__file__).parent))
from docx_util import add_field, base_document, caption, para, restart_numbering, set_run_font, table, to_pdf, unit_line

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "traditional"
NAME = "energy-saving-handbook"
TITLE = "臺江市政府機關學校節約能源執行手冊"
KAI = "Noto Serif CJK TC"   # stands in for 標楷體
HEI = "Noto Sans CJK TC"

DOC: list[tuple] = [
    ("h1", "壹、依據"),
    ("p", "一、行政院「政府機關及學校節約能源行動計畫」。"),
    ("p", "二、本府一百十三年度施政計畫及「臺江市淨零排放推動方案」。"),
    ("h1", "貳、目標"),
    ("p", "本府所屬各機關學校以一百十二年度用電量為基準，一百十三年度整體用電量應較基準年節約百分之二以上，用水量應較基準年節約百分之一以上；至一百十五年度，整體用電量累計節約目標為百分之六點五。"),
    ("h1", "參、執行措施"),
    ("h2", "一、照明設備"),
    ("h3", "（一）汰換高效率燈具"),
    ("p", "各機關學校應逐年將傳統螢光燈具汰換為發光二極體（LED）燈具。一百十二年度全市已汰換燈具41,856盞，一百十三年度預定再汰換23,790盞，預估每年可節省用電約1,372,600度。"),
    ("h3", "（二）落實隨手關燈"),
    ("p", "辦公場所中午休息時間及下班後應關閉非必要照明，走廊、樓梯間等公共區域宜採用感應式照明，並於開關處張貼節能標示。"),
    ("h2", "二、空調設備"),
    ("h3", "（一）室內溫度設定"),
    ("p", "辦公場所冷氣溫度設定不得低於攝氏二十六度，並搭配電風扇使用。各機關應指定節能管理人員，每月至少抽查一次室內溫度，抽查結果應登錄於節能管理系統。"),
    ("h3", "（二）定期保養與汰換"),
    ("p", "冷氣機應每季清洗濾網一次。使用年限逾九年之窗型及分離式冷氣機，應優先汰換為一級能源效率產品；一百十三年度編列汰換經費新臺幣3,465萬元，預計汰換1,580臺。"),
    ("h2", "三、用水管理"),
    ("p", "各機關學校應全面使用具省水標章之用水器材，並定期檢查管線有無漏水。設有雨水或中水回收設施者，應將回收水優先用於澆灌及沖廁。一百十二年度全市機關學校用水量為8,614,259度，較前一年度減少百分之一點三。"),
    ("h2", "四、公務車輛"),
    ("p", "公務車輛汰換時應優先採購電動車輛。截至一百十三年六月底，本府電動公務車輛計217輛，占公務車輛總數之百分之二十三點八；各機關應推動公務車輛共乘及視訊會議，減少不必要之公務出差。"),
    ("h1", "肆、考核及獎勵"),
    ("h2", "一、考核方式"),
    ("p", "本府經濟發展局每半年彙整各機關學校之用電、用水及用油數據，依節約成效排定名次，並公布於本府網站。各機關學校之節約成效如下表："),
    ("caption", "表一  一百十二年度各類機關學校節約能源成效"),
    ("unit", "單位：度；%"),
    ("table", [["機關類別", "基準年用電量", "112年度用電量", "節電率"],
               ["本府各局處", "18,427,530", "17,906,148", "2.83"],
               ["區公所", "6,385,214", "6,247,903", "2.15"],
               ["市立高級中等學校", "24,716,385", "24,358,460", "1.45"],
               ["市立國民中小學", "52,903,617", "51,526,092", "2.60"],
               ["其他所屬機關", "9,284,056", "9,101,827", "1.96"],
               ["合計", "111,716,802", "109,140,430", "2.31"]], [4.2, 3.4, 3.4, 2.4]),
    ("h2", "二、獎勵方式"),
    ("p", "節約成效達成目標且名列各類機關前三名者，其承辦人員及主管人員得予嘉獎一次至二次；節約成效未達目標者，應提出改善計畫，並於次一年度追蹤辦理情形。本府另編列節能績優獎勵金新臺幣186萬元，依成效核發。"),
    ("h1", "伍、經費來源"),
    ("p", "本手冊所需經費，由各機關學校於年度預算相關科目內勻支；設備汰換經費得申請中央補助，不足部分由本府統籌編列。"),
    ("h1", "陸、附則"),
    ("p", "一、各機關學校得依本手冊訂定執行細則，並報本府備查。"),
    ("p", "二、本手冊自發布日施行，修正時亦同。"),
    ("break",),
    ("h1", "附件一  節約能源自主檢查表"),
    ("table", [["檢查項目", "檢查重點", "是", "否"],
               ["照明", "中午及下班後是否關閉非必要照明", "□", "□"],
               ["照明", "是否已全面使用LED燈具", "□", "□"],
               ["空調", "冷氣溫度是否設定於攝氏二十六度以上", "□", "□"],
               ["空調", "濾網是否每季清洗", "□", "□"],
               ["用水", "是否使用省水標章器材", "□", "□"],
               ["事務機器", "下班後是否關閉電腦及事務機器電源", "□", "□"]], [2.6, 8.6, 1.4, 1.4]),
    ("p", "填表人：                        單位主管：                        填表日期：", "noindent"),
    ("h1", "附表  一百十三年度各區公所節電目標"),
    ("unit", "單位：度"),
    ("table", [["區公所", "112年度用電量", "113年度目標用電量", "應節約電量"],
               ["中正區公所", "986,420", "966,692", "19,728"],
               ["安平區公所", "874,315", "856,829", "17,486"],
               ["北港區公所", "1,129,807", "1,107,211", "22,596"],
               ["南湖區公所", "763,552", "748,281", "15,271"],
               ["東山區公所", "1,048,936", "1,027,957", "20,979"],
               ["西濱區公所", "1,444,873", "1,415,976", "28,897"]], [3.4, 3.4, 3.6, 3.0]),
]


def build() -> Path:
    doc = base_document(font=KAI, size=14)
    # cover (section 1, no footer)
    for _ in range(6):
        para(doc, "", indent=False)
    para(doc, "臺江市政府機關學校", size=26, bold=True, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "節約能源執行手冊", size=26, bold=True, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "（中華民國一百十三年版）", size=16, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for _ in range(10):
        para(doc, "", indent=False)
    para(doc, "臺江市政府經濟發展局  編印", size=16, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "中華民國一百十三年七月", size=16, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.sections[0].footer.is_linked_to_previous = False
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    restart_numbering(body, 1)
    body.footer.is_linked_to_previous = False
    fp = body.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(fp.add_run("- "), KAI, 11); add_field(fp, "PAGE", 11, KAI); set_run_font(fp.add_run(" -"), KAI, 11)
    para(doc, TITLE, size=20, bold=True, font=KAI, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)
    for item in DOC:
        kind = item[0]
        if kind == "h1":
            para(doc, item[1], size=16, bold=True, font=KAI, indent=False, before=6)
        elif kind == "h2":
            para(doc, item[1], size=14, bold=True, font=KAI, indent=False)
        elif kind == "h3":
            para(doc, item[1], size=14, font=KAI, indent=False)
        elif kind == "p":
            p = para(doc, item[1], size=14, font=KAI, indent=len(item) < 3)
        elif kind == "caption":
            caption(doc, item[1], 12)
            doc.paragraphs[-1].runs[0].font.name = KAI
        elif kind == "unit":
            unit_line(doc, item[1], 12)
        elif kind == "table":
            t = table(doc, item[1], item[2], size=12)
            for row in t.rows:
                for c in row.cells:
                    for r in c.paragraphs[0].runs:
                        set_run_font(r, KAI)
        elif kind == "break":
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    path = HERE / f"{NAME}.docx"
    doc.save(path)
    OUT.mkdir(parents=True, exist_ok=True)
    return to_pdf(path, OUT)


if __name__ == "__main__":
    pdf = build()
    heads = [i[1] for i in DOC if i[0] in ("h1", "h2", "h3")]
    json.dump({"title": TITLE, "headings": heads}, open(OUT / f"{NAME}.meta.json", "w"), ensure_ascii=False, indent=1)
    print(pdf, pdf.stat().st_size)
