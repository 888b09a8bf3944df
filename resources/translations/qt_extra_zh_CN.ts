<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt widget texts that PySide6's qtbase_zh_CN.qm (Qt 6.11) leaves in English: Qt added mnemonics to the file
     dialog's labels and the shipped catalogue holds only the old texts. Compile with
     pyside6-lrelease resources/translations/qt_extra_zh_CN.ts (villagevote/ui/app.py loads the .qm). -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
</TS>
