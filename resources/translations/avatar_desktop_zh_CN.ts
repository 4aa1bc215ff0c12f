<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ComposePanel</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="555"/>
        <source>https://… jpg, png or mp4</source>
        <translation>https://… jpg、png 或 mp4</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="562"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="179"/>
        <source>&amp;No watermark</source>
        <translation>无水印(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="564"/>
        <source>Ask the service for a video without its watermark (no_watermark)</source>
        <translation>请求服务生成不带水印的视频（no_watermark）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="566"/>
        <source>https://… mp3, wav, m4a or aac</source>
        <translation>https://… mp3、wav、m4a 或 aac</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="573"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="180"/>
        <source>&amp;Audio URL:</source>
        <translation>音频 URL(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="574"/>
        <source>The avatar lip-syncs to this recording.</source>
        <translation>形象将按这段录音对口型。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="575"/>
        <source>https://… 20 s or longer</source>
        <translation>https://… 20 秒以上</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="558"/>
        <source>https://… image (jpg, png) or video (mp4) of the person, or such a file on this computer (Browse…, or drop it here)</source>
        <translation>https://… 人物的图片（jpg、png）或视频（mp4），也可以是本机上的这类文件（点“浏览…”，或把文件拖到这里）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="569"/>
        <source>https://… mp3, wav, m4a or aac the avatar lip-syncs to, or such a file on this computer (Browse…, or drop it here)</source>
        <translation>https://… 形象对口型所用的 mp3、wav、m4a 或 aac，也可以是本机上的这类文件（点“浏览…”，或把文件拖到这里）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="578"/>
        <source>https://… a clear recording of the voice, 20 s or longer, or such a file on this computer (Browse…, or drop it here)</source>
        <translation>https://… 清晰的声音录音，至少 20 秒，也可以是本机上的这类文件（点“浏览…”，或把文件拖到这里）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="582"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="182"/>
        <source>&amp;Voice sample URL:</source>
        <translation>声音样本 URL(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="583"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="183"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="192"/>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="584"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="184"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="193"/>
        <source>&amp;Text:</source>
        <translation>文本(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="587"/>
        <source>Only clone a voice whose speaker has agreed to it. You will be asked to confirm this once for each sample.</source>
        <translation>仅可克隆已获说话人同意的声音。每个样本都需要你确认一次。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="591"/>
        <source>All languages</source>
        <translation>全部语言</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="592"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="593"/>
        <source>Search by name or label</source>
        <translation>按名称或标签搜索</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="594"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="595"/>
        <source>Ask the service for its current list of voices</source>
        <translation>从服务获取最新的声音列表</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="596"/>
        <source>voice_engine_id</source>
        <translation>voice_engine_id</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="597"/>
        <source>audio_id</source>
        <translation>audio_id</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="598"/>
        <source>&amp;Pick a voice:</source>
        <translation>选择声音(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="599"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="186"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="190"/>
        <source>Voice &amp;engine id:</source>
        <translation>声音引擎 ID(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="600"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="187"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="191"/>
        <source>Audio &amp;id:</source>
        <translation>音频 ID(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="601"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="188"/>
        <source>Lan&amp;guage:</source>
        <translation>语言(&amp;G)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="602"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="189"/>
        <source>Te&amp;xt:</source>
        <translation>文本(&amp;X)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="603"/>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="878"/>
        <source>Audio URL</source>
        <translation>音频 URL</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="604"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="181"/>
        <source>Clone a voice</source>
        <translation>克隆声音</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="605"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="185"/>
        <source>Use an existing voice</source>
        <translation>使用已有声音</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="606"/>
        <source>Lip-sync to a ready audio track (audio_url)</source>
        <translation>按现成的音频对口型（audio_url）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="608"/>
        <source>Clone a voice from a sample, then speak your text (create_voice)</source>
        <translation>用声音样本克隆声音，再朗读你的文本（create_voice）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="610"/>
        <source>Speak your text with an existing voice (use_voice)</source>
        <translation>用已有声音朗读你的文本（use_voice）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="611"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="178"/>
        <source>A&amp;vatar URL:</source>
        <translation>形象 URL(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="877"/>
        <source>Avatar URL</source>
        <translation>形象 URL</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="879"/>
        <source>Voice sample URL</source>
        <translation>声音样本 URL</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="880"/>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="885"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="881"/>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="884"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="882"/>
        <source>Voice engine id</source>
        <translation>声音引擎 ID</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="883"/>
        <source>Audio id</source>
        <translation>音频 ID</translation>
    </message>
</context>
<context>
    <name>ComposeSide</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="257"/>
        <source>Show request…</source>
        <translation>查看请求…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="258"/>
        <source>Add to outbox</source>
        <translation>加入发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="260"/>
        <source>Keep the job in the outbox, to send later (Ctrl+Shift+Enter)</source>
        <translation>将任务放入发件箱，稍后发送（Ctrl+Shift+Enter）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="262"/>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="302"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="262"/>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="302"/>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="341"/>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="361"/>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="364"/>
        <source>Save as draft</source>
        <translation>保存为草稿</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="341"/>
        <source>Name of the draft:</source>
        <translation>草稿名称：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="354"/>
        <source>Replace draft?</source>
        <translation>替换草稿？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="355"/>
        <source>A draft with that name exists already. Replace it?</source>
        <translation>已存在同名草稿。要替换它吗？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="366"/>
        <source>Draft saved: %1</source>
        <translation>草稿已保存：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="386"/>
        <source>Draft opened: %1</source>
        <translation>已打开草稿：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="413"/>
        <source>The draft “%1” replaced what you had typed.</source>
        <translation>草稿“%1”已替换您输入的内容。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="414"/>
        <source>Form cleared.</source>
        <translation>表单已清空。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="449"/>
        <source>The form is back.</source>
        <translation>表单已恢复。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="470"/>
        <source>Replace the addresses?</source>
        <translation>替换地址？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="472"/>
        <source>Replace the avatar, audio and voice sample addresses in the form with the sandbox&apos;s samples?</source>
        <translation>用沙盒的示例替换表单中的形象、音频和声音样本地址？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="482"/>
        <source>The sandbox&apos;s sample media are in the form: no network needed.</source>
        <translation>沙盒的示例素材已填入表单：无需联网。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="494"/>
        <source>Replace the form?</source>
        <translation>替换表单内容？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="495"/>
        <source>Replace what is in the form with this task&apos;s request?</source>
        <translation>用该任务的请求替换表单中的现有内容吗？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="502"/>
        <source>The form now holds that task&apos;s request.</source>
        <translation>已将该任务的请求载入表单。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="528"/>
        <source>Enter valid addresses to check first.</source>
        <translation>请先输入有效的地址再检查。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="598"/>
        <source>Loading voices…</source>
        <translation>正在加载声音…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="600"/>
        <source>Set an API token to load the voice list.</source>
        <translation>设置 API 令牌后即可加载声音列表。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="603"/>
        <source>Could not load the voice list:</source>
        <translation>无法加载声音列表：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="605"/>
        <source>Showing the saved list; could not refresh it:</source>
        <translation>正在显示已保存的列表，刷新失败：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="606"/>
        <source>Click “Refresh” to ask again.</source>
        <translation>点击“刷新”重新获取。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="612"/>
        <source>%1 voices, saved list from %2.</source>
        <translation>共 %1 个声音，来自 %2 保存的列表。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="617"/>
        <source>%1 voices, fresh from the service.</source>
        <translation>共 %1 个声音，刚从服务获取。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="619"/>
        <source>Set a token to refresh.</source>
        <translation>设置令牌后可刷新。</translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="20"/>
        <source>Speaker&apos;s consent</source>
        <translation>说话人授权</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="23"/>
        <source>Sample: %1</source>
        <translation>样本：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="24"/>
        <source>Do you confirm that the person whose voice is in this sample has agreed to having it cloned?</source>
        <translation>你确认此样本中的说话人已同意克隆其声音吗？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="30"/>
        <source>Samples:</source>
        <translation>样本：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="31"/>
        <source>Do you confirm that the person whose voice is in each of these samples has agreed to having it cloned?</source>
        <translation>您确认这些样本中每一位说话人都已同意克隆其声音吗？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="37"/>
        <source>Cloning a voice needs the speaker&apos;s permission.</source>
        <translation>克隆声音需要获得说话人的授权。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/consent.py" line="44"/>
        <source>I confirm</source>
        <translation>我确认</translation>
    </message>
</context>
<context>
    <name>CoverLoader</name>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="368"/>
        <source>The cover link is not a web (http/https) link; it is not loaded.</source>
        <translation>封面链接不是网页（http/https）链接，不会加载。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="371"/>
        <source>The cover link has expired or is gone (HTTP %1).</source>
        <translation>封面链接已过期或已失效（HTTP %1）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="374"/>
        <source>The server answered HTTP %1 instead of the cover.</source>
        <translation>服务器返回了 HTTP %1，而不是封面图片。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="378"/>
        <source>The cover is larger than %1 MB; it is not loaded.</source>
        <translation>封面大于 %1 MB，不会加载。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="382"/>
        <source>The cover could not be downloaded (%1).</source>
        <translation>无法下载封面（%1）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="384"/>
        <source>The cover link redirects too many times.</source>
        <translation>封面链接重定向次数过多。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="387"/>
        <source>No sandbox on this computer serves this cover now: the sandbox that made the link has moved or stopped (the link has not expired).</source>
        <translation>本机目前没有沙盒提供此封面：生成该链接的沙盒已换了地址或已停止（链接并未过期）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="391"/>
        <source>This system cannot show WebP pictures, so the cover cannot be shown.</source>
        <translation>此系统无法显示 WebP 图片，因此无法显示封面。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/covers.py" line="392"/>
        <source>The cover is not a picture this app can read.</source>
        <translation>封面不是本应用能读取的图片。</translation>
    </message>
</context>
<context>
    <name>DownloadManager</name>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="708"/>
        <source>Saved, but the task list could not record where: %1</source>
        <translation>已保存，但任务列表无法记录保存位置：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="723"/>
        <source>No sandbox on this computer serves this video now: the sandbox that made the link has moved or stopped, or it belongs to another data folder. The link has not expired: Retry when that sandbox runs.</source>
        <translation>本机目前没有沙盒提供此视频：生成该链接的沙盒已换了地址或已停止，或者它属于另一个数据文件夹。链接并未过期：等那个沙盒运行后再点“重试”。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="733"/>
        <source>Another program (avatar-cli or another window) is saving this task&apos;s video right now. Retry when it has finished.</source>
        <translation>另一个程序（avatar-cli 或另一个窗口）正在保存此任务的视频。请在它完成后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="744"/>
        <source>The video could not be written in %1: %2</source>
        <translation>无法将视频写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="752"/>
        <source>The download failed. What was saved is kept: Retry resumes from there.</source>
        <translation>下载失败。已下载的部分会保留，点击“重试”将从该处继续。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="765"/>
        <source>The link has expired: the service no longer serves this video (result links last only a few days).</source>
        <translation>链接已过期：服务不再提供此视频（结果链接只保留几天）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="770"/>
        <source>The service gave no link for this video (%1).</source>
        <translation>服务没有提供此视频的链接（%1）。</translation>
    </message>
</context>
<context>
    <name>DownloadsModel</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="56"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="57"/>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="58"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="59"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="60"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="61"/>
        <source>Link expired</source>
        <translation>链接已过期</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="62"/>
        <source>File missing</source>
        <translation>文件已不存在</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="65"/>
        <source>video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="66"/>
        <source>video without watermark</source>
        <translation>无水印视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="67"/>
        <source>video with watermark</source>
        <translation>带水印视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="70"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="71"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="72"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="73"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="88"/>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="97"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="107"/>
        <source>Task %1, %2</source>
        <translation>任务 %1，%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="119"/>
        <source>Waiting for another download to end.</source>
        <translation>正在等待其他下载完成。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="123"/>
        <source>Cancelled. What was saved is kept: Retry resumes from there.</source>
        <translation>已取消。已下载的部分会保留，点击“重试”将从该处继续。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="129"/>
        <source>The file is no longer there: it was moved or deleted after it was saved.</source>
        <translation>文件已不存在：保存后被移动或删除了。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="135"/>
        <source>Retry saves it again.</source>
        <translation>点击“重试”可重新保存。</translation>
    </message>
</context>
<context>
    <name>DownloadsPanel</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="347"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="349"/>
        <source>Stop the selected downloads; what was saved is kept for a retry</source>
        <translation>停止所选下载；已下载的部分会保留，以便重试</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="351"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="352"/>
        <source>Start the selected downloads again</source>
        <translation>重新开始所选下载</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="353"/>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="354"/>
        <source>Play the saved video</source>
        <translation>播放已保存的视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="355"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="356"/>
        <source>Open the folder that holds the video</source>
        <translation>打开视频所在的文件夹</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="357"/>
        <source>Clear finished</source>
        <translation>清除已结束的下载</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="359"/>
        <source>Take the ended downloads off the list (the files stay)</source>
        <translation>从列表中移除已结束的下载（文件会保留）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="389"/>
        <source>Saving the video of %1 (see Downloads)…</source>
        <translation>正在保存 %1 的视频（见“下载”）…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="474"/>
        <source>Saved in %1</source>
        <translation>保存在 %1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="476"/>
        <source>%1 downloading</source>
        <translation>%1 个下载中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="478"/>
        <source>%1 waiting</source>
        <translation>%1 个等待中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/downloads_panel.py" line="487"/>
        <source>Video saved: %1 (see Downloads)</source>
        <translation>视频已保存：%1（见“下载”）</translation>
    </message>
</context>
<context>
    <name>DraftsDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="36"/>
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="44"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="46"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="48"/>
        <source>Duplicate</source>
        <translation>创建副本</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="50"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="89"/>
        <source>No drafts yet: use Compose → Save as draft…</source>
        <translation>还没有草稿：可使用“制作 → 保存为草稿…”</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="119"/>
        <source>Rename draft</source>
        <translation>重命名草稿</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="119"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="135"/>
        <source>Delete draft</source>
        <translation>删除草稿</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="136"/>
        <source>Delete the draft “%1”?</source>
        <translation>删除草稿“%1”？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="148"/>
        <source>That draft no longer exists.</source>
        <translation>该草稿已不存在。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="161"/>
        <source>A draft with that name exists already.</source>
        <translation>已存在同名草稿。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="164"/>
        <source>A draft needs a name.</source>
        <translation>草稿必须有名称。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/drafts_dialog.py" line="165"/>
        <source>That name is too long.</source>
        <translation>名称过长。</translation>
    </message>
</context>
<context>
    <name>FormNotice</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose_side.py" line="81"/>
        <source>Hide this message</source>
        <translation>隐藏此消息</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="51"/>
        <source>“%2” is not yes or no (true/false, 1/0, 是/否).</source>
        <translation>“%2”不是有效的是/否值（true/false、1/0、是/否）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="54"/>
        <source>“%2” is not audio_url, create_voice or use_voice.</source>
        <translation>“%2”不是 audio_url、create_voice 或 use_voice 之一。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="57"/>
        <source>Not used by this row&apos;s voice mode: clear the cell or set the mode column.</source>
        <translation>此行的声音模式用不到该列：请清空该单元格，或填写 mode 列。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="61"/>
        <source>More values than columns (a comma in a text that is not in quotes?).</source>
        <translation>值的个数多于列数（是否有文本中的逗号未放在引号内？）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="64"/>
        <source>Quotes that do not match.</source>
        <translation>引号不匹配。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="67"/>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="150"/>
        <source>A value is far too long for a cell (is this a CSV file of jobs?).</source>
        <translation>某个值过长，超出单元格的上限（这是任务的 CSV 文件吗？）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="70"/>
        <source>Not valid JSON.</source>
        <translation>不是有效的 JSON。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="71"/>
        <source>Not a JSON object (a request body).</source>
        <translation>不是 JSON 对象（即一个请求体）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="84"/>
        <source>%1: %2</source>
        <comment>a column and its problem</comment>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="98"/>
        <source>The file was read as UTF-16 (it starts with a UTF-16 byte-order mark).</source>
        <translation>已按 UTF-16 读取该文件（文件以 UTF-16 字节顺序标记开头）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="103"/>
        <source>The file is not UTF-8; it was read as GBK (GB18030), the encoding Chinese Windows uses. Check that the Chinese text looks right.</source>
        <translation>该文件不是 UTF-8 编码，已按中文 Windows 使用的 GBK（GB18030）编码读取。请检查中文文字是否显示正确。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="109"/>
        <source>The file is a JSON array, not JSON Lines; it was read as JSON.</source>
        <translation>该文件是 JSON 数组而不是 JSON Lines，已按 JSON 读取。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="115"/>
        <source>The column “%1” is not known and was ignored; did you mean %2?</source>
        <translation>无法识别列“%1”，已忽略；你是想写 %2 吗？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="144"/>
        <source>The column “%1” appears twice.</source>
        <translation>列“%1”出现了两次。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="127"/>
        <source>The file is too large to import.</source>
        <translation>文件过大，无法导入。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="130"/>
        <source>This is a spreadsheet workbook: save it as CSV (UTF-8) and import that.</source>
        <translation>这是电子表格工作簿：请先将其另存为 CSV（UTF-8），再导入该 CSV 文件。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="134"/>
        <source>The file is not text (CSV, JSON or JSON Lines).</source>
        <translation>该文件不是文本文件（CSV、JSON 或 JSON Lines）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="137"/>
        <source>This is a folder, a device or a pipe, not a file.</source>
        <translation>这是文件夹、设备或管道，不是文件。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="140"/>
        <source>The file is empty.</source>
        <translation>文件为空。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="141"/>
        <source>A required column is missing.</source>
        <translation>缺少必需的列。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="147"/>
        <source>A quoted value never ends; rows after it are lost.</source>
        <translation>有一个带引号的值缺少结束引号，其后的各行都会丢失。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="153"/>
        <source>The file is not valid JSON.</source>
        <translation>该文件不是有效的 JSON。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="156"/>
        <source>The JSON file must hold an array of request bodies.</source>
        <translation>JSON 文件必须包含一个由请求体组成的数组。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="162"/>
        <source>Line %1: </source>
        <translation>第 %1 行：</translation>
    </message>
</context>
<context>
    <name>ImportPreviewDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="184"/>
        <source>Import jobs</source>
        <translation>导入任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="198"/>
        <source>%1 → outbox of %2</source>
        <translation>%1 → %2 的发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="211"/>
        <source>%1 valid rows, %2 with problems, %3 already queued or sent.</source>
        <translation>%1 行有效，%2 行有问题，%3 行已在队列中或已发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="218"/>
        <source>Columns ignored (unknown): %1</source>
        <translation>已忽略的列（无法识别）：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="225"/>
        <source>%1 row(s) clone a voice from a sample with no consent on record: you are asked about them when you queue the jobs.</source>
        <translation>%1 行要从尚未记录同意的样本克隆声音：加入队列时会询问您。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="236"/>
        <source>Line</source>
        <translation>行号</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="236"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="236"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="252"/>
        <source>Also queue the rows already queued or sent</source>
        <translation>已在队列中或已发送的行也加入队列</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="274"/>
        <source>Problem</source>
        <translation>有问题</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="278"/>
        <source>Already queued or sent</source>
        <translation>已在队列中或已发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="281"/>
        <source>Needs consent</source>
        <translation>需要同意</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="284"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/import_dialog.py" line="320"/>
        <source>Queue %n job(s)</source>
        <translation>
            <numerusform>将 %n 个任务加入队列</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LocalFiles</name>
    <message>
        <location filename="../../avatar_desktop/ui/views.py" line="169"/>
        <source>The file is no longer there: %1</source>
        <translation>文件已不存在：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/views.py" line="173"/>
        <source>No program could open the video. It is saved as %1</source>
        <translation>没有可以打开该视频的程序。视频已保存为 %1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/views.py" line="182"/>
        <source>The folder is no longer there: %1</source>
        <translation>文件夹已不存在：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/views.py" line="186"/>
        <source>No file manager could be started. The folder is %1</source>
        <translation>无法启动文件管理器。文件夹位于 %1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/views.py" line="197"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
</context>
<context>
    <name>MainActions</name>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="292"/>
        <source>&amp;Submit</source>
        <translation>提交(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="293"/>
        <source>Send the request to the service (Ctrl+Enter)</source>
        <translation>将请求发送到服务（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="294"/>
        <source>Show &amp;request…</source>
        <translation>查看请求(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="295"/>
        <source>Check &amp;media</source>
        <translation>检查素材(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="296"/>
        <source>&amp;Clear form</source>
        <translation>清空表单(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="297"/>
        <source>&amp;Add to outbox</source>
        <translation>加入发件箱(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="299"/>
        <source>Keep the job in the outbox, to send later (Ctrl+Shift+Enter)</source>
        <translation>将任务放入发件箱，稍后发送（Ctrl+Shift+Enter）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="121"/>
        <source>&amp;Undo clear form</source>
        <translation>撤销清空表单(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="122"/>
        <source>&amp;Undo open draft</source>
        <translation>撤销打开草稿(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="301"/>
        <source>Save as &amp;draft…</source>
        <translation>保存为草稿(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="302"/>
        <source>&amp;Drafts…</source>
        <translation>草稿(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="303"/>
        <source>Send &amp;now</source>
        <translation>立即发送(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="304"/>
        <source>Send every waiting job of the current service now</source>
        <translation>立即发送当前服务的所有待发送任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="305"/>
        <source>&amp;Pause sending</source>
        <translation>暂停发送(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="307"/>
        <source>&amp;Import jobs…</source>
        <translation>导入任务(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="308"/>
        <source>Queue jobs from a CSV, JSON or JSON Lines file</source>
        <translation>从 CSV、JSON 或 JSON Lines 文件导入任务并加入队列</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="309"/>
        <source>Save CSV &amp;template…</source>
        <translation>保存 CSV 模板(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="310"/>
        <source>&amp;Export drafts and outbox…</source>
        <translation>导出草稿和发件箱(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="311"/>
        <source>API &amp;token…</source>
        <translation>API 令牌(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="312"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="313"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="314"/>
        <source>&amp;Copy task id</source>
        <translation>复制任务 ID(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="315"/>
        <source>Use as &amp;template</source>
        <translation>用作模板(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="316"/>
        <source>&amp;Remove from list</source>
        <translation>从列表中移除(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="123"/>
        <source>&amp;Undo remove</source>
        <translation>撤销移除(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="317"/>
        <source>Re&amp;fresh status</source>
        <translation>刷新状态(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="320"/>
        <source>Ask the service about the selected tasks now (all unfinished ones when none is selected)</source>
        <translation>立即向服务查询所选任务的状态（未选择时查询所有未完成的任务）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="324"/>
        <source>Refresh &amp;all unfinished</source>
        <translation>刷新所有未完成任务(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="325"/>
        <source>Add task by &amp;id…</source>
        <translation>按 ID 添加任务(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="327"/>
        <source>Follow a task made on the website or on another computer</source>
        <translation>跟踪在网站上或在另一台电脑上创建的任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="329"/>
        <source>E&amp;xport tasks…</source>
        <translation>导出任务(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="332"/>
        <source>Save the tasks the list shows (all, or the ones the filter leaves) as CSV or JSON</source>
        <translation>将列表中显示的任务（全部，或筛选后剩下的）保存为 CSV 或 JSON</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="344"/>
        <source>&amp;Open video in browser</source>
        <translation>在浏览器中打开视频(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="353"/>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="354"/>
        <source>How to use Avatar Desktop and avatar-cli (F1)</source>
        <translation>如何使用 Avatar Desktop 和 avatar-cli（F1）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="355"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="356"/>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="358"/>
        <source>Show the folder of the task list, the settings and the backups</source>
        <translation>显示任务列表、设置和备份所在的文件夹</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="360"/>
        <source>Fill with sand&amp;box samples</source>
        <translation>填入沙盒示例(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="362"/>
        <source>Put the sandbox&apos;s own sample media into the form: no network needed</source>
        <translation>把沙盒自带的示例素材填入表单：无需联网</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="335"/>
        <source>&amp;Mark as submitted with task id…</source>
        <translation>按任务 ID 标记为已提交(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="336"/>
        <source>Send &amp;again…</source>
        <translation>再次发送(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="337"/>
        <source>D&amp;iscard</source>
        <translation>丢弃(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="338"/>
        <source>&amp;Download video</source>
        <translation>下载视频(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="340"/>
        <source>Save the video on this computer before its link expires</source>
        <translation>在链接过期前将视频保存到本机</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="342"/>
        <source>Open saved &amp;file</source>
        <translation>打开已保存的文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="343"/>
        <source>Show in f&amp;older</source>
        <translation>在文件夹中显示(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="347"/>
        <source>Open the finished video in your browser or player (links expire after some days: save what you want to keep)</source>
        <translation>在浏览器或播放器中打开生成的视频（链接数天后失效，需要保留的请及时保存）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="351"/>
        <source>Copy video &amp;link</source>
        <translation>复制视频链接(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="352"/>
        <source>&amp;About Avatar Desktop</source>
        <translation>关于 Avatar Desktop(&amp;A)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="33"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="35"/>
        <source>&amp;Compose</source>
        <translation>制作(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="51"/>
        <source>&amp;Outbox</source>
        <translation>发件箱(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="270"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="272"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="63"/>
        <source>&amp;Tasks</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/actions.py" line="87"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="273"/>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="289"/>
        <source>Avatar Desktop</source>
        <translation>Avatar Desktop</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="291"/>
        <source>SANDBOX</source>
        <translation>沙盒 SANDBOX</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="352"/>
        <source>Settings changed by another program.</source>
        <translation>设置已被另一个程序更改。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="418"/>
        <source>Outbox</source>
        <translation>发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="346"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="372"/>
        <source>About Avatar Desktop</source>
        <translation>关于 Avatar Desktop</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/main_window.py" line="374"/>
        <source>Avatar Desktop %1
A desktop client for digital-human video generation.</source>
        <translation>Avatar Desktop %1
数字人视频生成桌面客户端。</translation>
    </message>
</context>
<context>
    <name>MediaPanel</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="75"/>
        <source>Check &amp;media</source>
        <translation>检查素材(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="82"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="83"/>
        <source>Avatar preview</source>
        <translation>形象预览</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="84"/>
        <source>Checking %v of %m…</source>
        <translation>正在检查 %v / %m…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="166"/>
        <source>Check cancelled.</source>
        <translation>检查已取消。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="135"/>
        <source>Avatar</source>
        <translation>形象</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="78"/>
        <source>Look at the avatar and audio (downloaded, or read from this computer) to check they are usable, before paying for a job</source>
        <translation>在为任务付费之前，查看形象和音频（下载网址，或读取本机文件），确认它们可用</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="136"/>
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="137"/>
        <source>Voice sample</source>
        <translation>声音样本</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="148"/>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="150"/>
        <source>unknown type</source>
        <translation>未知类型</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="156"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/media_panel.py" line="163"/>
        <source>Looks fine.</source>
        <translation>看起来没问题。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="100"/>
        <source>Required.</source>
        <translation>必填项。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="102"/>
        <source>Has the wrong type of value.</source>
        <translation>值的类型不正确。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="104"/>
        <source>“%1” is not a field the service knows (a typo?).</source>
        <translation>服务无法识别字段“%1”（是否拼写有误？）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="108"/>
        <source>Choose how the avatar gets its voice.</source>
        <translation>请选择形象的声音来源。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="110"/>
        <source>Only one voice can be sent.</source>
        <translation>只能发送一种声音。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="112"/>
        <source>Too long: at most %1 characters.</source>
        <translation>过长：最多 %1 个字符。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="116"/>
        <source>Contains invisible control characters; only line breaks and tabs are allowed.</source>
        <translation>包含不可见的控制字符；只允许换行符和制表符。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="121"/>
        <source>Must not contain spaces.</source>
        <translation>不能包含空格。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="123"/>
        <source>Enter a full web address starting with https://</source>
        <translation>请输入以 https:// 开头的完整网址</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="127"/>
        <source>Only http:// and https:// addresses can be used.</source>
        <translation>只能使用 http:// 或 https:// 地址。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="131"/>
        <source>This is a file on your computer. The service needs a public web address (https://…) it can download; upload the file somewhere first.</source>
        <translation>这是本机上的文件。服务需要可下载的公开网址（https://…），请先将文件上传到网上。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="137"/>
        <source>Choose Chinese or English.</source>
        <translation>请选择中文或英文。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="139"/>
        <source>Contains a broken character (half of a UTF-16 surrogate pair); retype or remove it.</source>
        <translation>包含一个损坏的字符（半个 UTF-16 代理对）；请重新输入或删除它。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="144"/>
        <source>Contains an invisible or control character (such as a zero-width space); retype it.</source>
        <translation>包含不可见字符或控制字符（例如零宽空格）；请重新输入。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="149"/>
        <source>Contains �, the mark of a character lost when the text was copied; retype it.</source>
        <translation>包含 �，这是复制文本时丢失字符留下的标记；请重新输入。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="154"/>
        <source>Must not contain / ? # % or \: they would change the address it is asked at.</source>
        <translation>不能包含 / ? # % 或 \：它们会改变查询所用的地址。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="220"/>
        <source>The disk holding the task list is full. Free some space, then try again.</source>
        <translation>保存任务列表的磁盘已满。请释放一些空间后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="235"/>
        <source>The service did not accept the API token. Check or replace it.</source>
        <translation>服务不接受该 API 令牌，请检查或更换。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="239"/>
        <source>The account&apos;s balance is used up. Top it up, then try again.</source>
        <translation>账户余额已用完，请充值后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="243"/>
        <source>The service does not know this task.</source>
        <translation>服务中找不到此任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="245"/>
        <source>The service refused the request; it was not billed.</source>
        <translation>服务拒绝了该请求，未计费。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="250"/>
        <source>The service is busy with too many requests. Try again in %1 s.</source>
        <translation>服务繁忙，请求过多。请 %1 秒后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="253"/>
        <source>The service is busy with too many requests. Try again in a moment.</source>
        <translation>服务繁忙，请求过多。请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="257"/>
        <source>The service, or a proxy in front of it, had a problem. Try again later.</source>
        <translation>服务或其前端代理出现问题，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="261"/>
        <source>The service accepted the request but returned no task id. The job may exist and be billed; check your account before sending it again.</source>
        <translation>服务已接受请求，但未返回任务 ID。任务可能已创建并计费；再次发送前请先检查你的账户。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="267"/>
        <source>The service answered with something that is not the expected data. Is the service address right?</source>
        <translation>服务返回的不是预期的数据。服务地址是否正确？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="273"/>
        <source>Could not reach the service; nothing was sent. Check the connection.</source>
        <translation>无法连接到服务，未发送任何内容。请检查网络连接。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="277"/>
        <source>The service took too long to answer. Try again later.</source>
        <translation>服务响应时间过长。请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="281"/>
        <source>The connection broke before the service&apos;s answer arrived. Try again.</source>
        <translation>在服务的响应到达之前连接已中断。请重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="285"/>
        <source>The request was sent but no answer came back. The job may have been created and billed. It will not be sent again unless you choose to.</source>
        <translation>请求已发出，但未收到响应。任务可能已创建并计费。除非你主动选择，否则不会再次发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="291"/>
        <source>The service address in the settings cannot be used.</source>
        <translation>设置中的服务地址不可用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="508"/>
        <source>Windows Credential Manager keeps at most %1 characters, and this one is %2 long, so it cannot be saved there.</source>
        <translation>Windows 凭据管理器最多保存 %1 个字符，而此内容长 %2 个字符，因此无法保存在那里。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="226"/>
        <source>The task list could not be saved.</source>
        <translation>无法保存任务列表。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="295"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="496"/>
        <source>The token cannot be used: it contains spaces or characters a request cannot carry.</source>
        <translation>令牌不可用：包含空格或请求无法携带的字符。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="338"/>
        <source>The storage for local files refused its keys or the access (the service&apos;s token is fine); nothing was sent. Check Settings → Storage, then “Send now”.</source>
        <translation>存放本地文件的存储拒绝了其密钥或访问（服务的令牌没有问题）；未发送任何内容。请检查 设置 → 存储，然后点“立即发送”。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="349"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="404"/>
        <source>The request failed.</source>
        <translation>请求失败。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="387"/>
        <source>HTTP status: %1</source>
        <translation>HTTP 状态码：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="364"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="393"/>
        <source>The server said: %1</source>
        <translation>服务器返回：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="159"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="542"/>
        <source>There is no file %1.</source>
        <translation>没有文件 %1。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="163"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="544"/>
        <source>The file %1 cannot be read.</source>
        <translation>无法读取文件 %1。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="167"/>
        <source>This is a file on your computer, and no storage is set up to upload it to: set one up in Settings → Storage.</source>
        <translation>这是你电脑上的文件，但尚未设置用于上传它的存储：请在 设置 → 存储 中设置。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="200"/>
        <source>%1 %2</source>
        <comment>two sentences, one after the other</comment>
        <translation>%1%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="60"/>
        <source>another program</source>
        <translation>另一个程序</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/qt/downloads.py" line="62"/>
        <source>The file %1 is in use by %2 (an antivirus, the search indexer, OneDrive or a program that has it open): close it, then try again.</source>
        <translation>文件 %1 正被 %2 占用（杀毒软件、搜索索引、OneDrive 或打开了它的程序）：请关闭后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="300"/>
        <source>The job is not a valid request; edit it and queue it again.</source>
        <translation>该任务不是有效的请求；请修改后重新加入队列。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="304"/>
        <source>The program sending this job stopped before the service answered; the job may exist.</source>
        <translation>发送此任务的程序在服务响应之前已停止；该任务可能已创建。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="309"/>
        <source>The disk was full when the service answered, so its answer could not be written; the job may exist.</source>
        <translation>服务响应时磁盘已满，因此无法写入其响应；该任务可能已创建。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="315"/>
        <source>The data file could not be written when the service answered, so its answer was lost; the job may exist.</source>
        <translation>服务响应时无法写入数据文件，因此其响应已丢失；该任务可能已创建。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="321"/>
        <source>The video was not saved: its link has expired (the service no longer serves it).</source>
        <translation>视频未保存：其链接已失效（服务已不再提供该视频）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="326"/>
        <source>The service&apos;s answer could not be written to the data file (is the disk full?); the task is asked about again later.</source>
        <translation>服务的回答无法写入数据文件（磁盘已满？）；稍后会再次查询该任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="332"/>
        <source>The storage for local files could not be reached; nothing was sent. It is tried again later.</source>
        <translation>无法连接到存放本地文件的存储；未发送任何内容。稍后会再试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="344"/>
        <source>A local file changed or disappeared since the job was queued; nothing was sent. Check the file, then queue the job again.</source>
        <translation>任务加入发件箱后，某个本地文件已被更改或已不存在；未发送任何内容。请检查该文件，然后重新加入发件箱。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="411"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="476"/>
        <source>The system keyring is switched off, so the token cannot be saved.</source>
        <translation>系统钥匙串已被关闭，无法保存令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="415"/>
        <location filename="../../avatar_desktop/ui/i18n.py" line="480"/>
        <source>The selected keyring (%1) is not a recommended system keyring and may keep secrets in a plain file, so the token is not saved there.</source>
        <translation>所选钥匙串（%1）不是推荐的系统钥匙串，可能以明文文件保存机密，因此不会将令牌保存在其中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="421"/>
        <source>The system keyring could not be opened (%1).</source>
        <translation>无法打开系统钥匙串（%1）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="425"/>
        <source>No system keyring is installed, so the token cannot be saved.</source>
        <translation>未安装系统钥匙串，无法保存令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="434"/>
        <source>Install a Secret Service keyring such as GNOME Keyring (gnome-keyring) or KWallet, make sure it runs and is unlocked in your desktop session, then restart the app.</source>
        <translation>请安装支持 Secret Service 的钥匙串，例如 GNOME Keyring（gnome-keyring）或 KWallet，确保它在桌面会话中运行并已解锁，然后重新启动本应用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="440"/>
        <source>Make sure your login keychain is available in Keychain Access, then restart the app.</source>
        <translation>请确认“钥匙串访问”中的登录钥匙串可用，然后重新启动本应用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="445"/>
        <source>Make sure Windows Credential Manager is available, then restart the app.</source>
        <translation>请确认 Windows 凭据管理器可用，然后重新启动本应用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="450"/>
        <source>Unlock your keyring (for example by logging in to the desktop session or opening your password manager) and try again.</source>
        <translation>请解锁钥匙串（例如登录桌面会话或打开密码管理器）后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="456"/>
        <source>Make sure GNOME Keyring (gnome-keyring) or KWallet is installed, running and unlocked, and that the app runs inside a desktop session (a D-Bus session bus is needed).</source>
        <translation>请确认已安装 GNOME Keyring（gnome-keyring）或 KWallet，且其正在运行并已解锁；并确认本应用运行在桌面会话中（需要 D-Bus 会话总线）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="463"/>
        <source>Unlock your system keyring and try again.</source>
        <translation>请解锁系统钥匙串后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="471"/>
        <source>No system keyring is installed. You can keep the token for this session only.</source>
        <translation>未安装系统钥匙串。可以仅在本次会话中使用令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="486"/>
        <source>The system keyring is locked. Unlock it and try again.</source>
        <translation>系统钥匙串已锁定。请解锁后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="490"/>
        <source>The keyring did not keep the token: it may be switched off or read-only. You can keep the token for this session only.</source>
        <translation>系统钥匙串没有保存令牌：它可能已被关闭或为只读。可以仅在本次会话中使用令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="501"/>
        <source>The environment variable %1 is set but cannot be used as a token (it contains spaces or characters a request cannot carry). Fix or unset it.</source>
        <translation>已设置环境变量 %1，但其值不能用作令牌（包含空格或请求无法携带的字符）。请修正或删除该变量。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="517"/>
        <source>The token saved in the system keyring cannot be used. Enter the token again.</source>
        <translation>系统钥匙串中保存的令牌不可用。请重新输入令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="521"/>
        <source>The system keyring reported an error (%1).</source>
        <translation>系统钥匙串报告了错误（%1）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="537"/>
        <source>Could not download it; check the address and the connection.</source>
        <translation>无法下载；请检查地址和网络连接。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="549"/>
        <source>The address answers with HTTP %1.</source>
        <translation>该地址返回 HTTP %1。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="553"/>
        <source>The address gives a web page or other data, not a media file.</source>
        <translation>该地址返回的是网页或其他数据，而不是媒体文件。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="557"/>
        <source>This looks like the wrong kind of media for this field.</source>
        <translation>媒体类型似乎与此字段不符。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="561"/>
        <source>Comparable services accept only some formats; this one may be refused.</source>
        <translation>同类服务只接受部分格式，此格式可能被拒绝。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="566"/>
        <source>Large file (%1 MB); comparable services accept up to %2 MB.</source>
        <translation>文件较大（%1 MB）；同类服务最多接受 %2 MB。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="574"/>
        <source>Small image (%1×%2 px); at least %3 px on each side is advised.</source>
        <translation>图片较小（%1×%2 像素）；建议每边至少 %3 像素。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="582"/>
        <source>Unusual shape; comparable services accept from 1:2.5 to 2.5:1.</source>
        <translation>宽高比不常见；同类服务接受 1:2.5 到 2.5:1。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="587"/>
        <source>Short audio (%1 s); comparable services need at least %2 s.</source>
        <translation>音频较短（%1 秒）；同类服务要求至少 %2 秒。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="595"/>
        <source>Long audio (%1 s); comparable services accept up to %2 s.</source>
        <translation>音频较长（%1 秒）；同类服务最多接受 %2 秒。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="603"/>
        <source>The voice sample is %1 s long; the service needs at least %2 s.</source>
        <translation>声音样本时长 %1 秒；服务要求至少 %2 秒。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="610"/>
        <source>Could not measure how long the audio is.</source>
        <translation>无法测量音频时长。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/i18n.py" line="612"/>
        <source>This address is on your computer or local network; the real service cannot download it.</source>
        <translation>该地址位于本机或局域网中，真实服务无法下载。</translation>
    </message>
</context>
<context>
    <name>OutboxController</name>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="128"/>
        <source>Outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="132"/>
        <source>The app closed last time before the service answered %1 request(s). They are marked “Outcome unknown”: the jobs may exist and be billed, so check your account before sending them again.</source>
        <translation>上次应用在服务响应 %1 个请求之前就关闭了。这些请求已标记为“结果未知”：相应任务可能已创建并计费，再次发送前请先检查你的账户。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="180"/>
        <source>Set an API token to send.</source>
        <translation>设置 API 令牌后即可发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="196"/>
        <source>Sending already: what is due goes with the next round.</source>
        <translation>正在发送：到期的任务会在下一轮发出。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="199"/>
        <source>Nothing was sent: sending is paused because the service refused the token.</source>
        <translation>未发送任何任务：服务拒绝了令牌，发送已暂停。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="203"/>
        <source>Nothing to send to %1 now: waiting until %2 as the service asked.</source>
        <translation>现在没有要发送到 %1 的任务：按服务要求等待到 %2。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="209"/>
        <source>Nothing to send to %1: %n job(s) wait for other services (“Move to the current service…” sends them here).</source>
        <translation>
            <numerusform>没有要发送到 %1 的任务：%n 个任务在等待其他服务（“移到当前服务…”可将它们发送到这里）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="216"/>
        <source>Nothing to send to %1: %n job(s) need your decision.</source>
        <translation>
            <numerusform>没有要发送到 %1 的任务：%n 个任务需要您处理。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="219"/>
        <source>Nothing to send to %1: everything is sent.</source>
        <translation>没有要发送到 %1 的任务：全部已发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="226"/>
        <source>Sending resumed.</source>
        <translation>已恢复发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="229"/>
        <source>Sending paused: jobs wait in the outbox.</source>
        <translation>已暂停发送：任务将在发件箱中等待。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="265"/>
        <source>Send %n job(s)?</source>
        <translation>
            <numerusform>发送 %n 个任务？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="275"/>
        <source>%n job(s) are ready to send to %1. Each accepted job is billed.</source>
        <translation>
            <numerusform>%n 个任务已准备好发送到 %1。每个被接受的任务都会计费。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="238"/>
        <source>Send them</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="239"/>
        <source>Not now</source>
        <translation>暂不发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="251"/>
        <source>Sending paused: use “Send now” when you are ready.</source>
        <translation>已暂停发送：准备好后请使用“立即发送”。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="255"/>
        <source>Nothing was sent: those jobs no longer wait in the outbox (another program, such as avatar-cli, sent or changed them meanwhile).</source>
        <translation>未发送任何任务：这些任务已不在发件箱中等待（其间另一个程序，例如 avatar-cli，已发送或更改了它们）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="269"/>
        <source>%n job(s) are ready to send to the built-in sandbox (nothing is billed there).</source>
        <translation>
            <numerusform>%n 个任务已准备好发送到内置沙盒（在沙盒中不计费）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="292"/>
        <source>Question closed: the jobs it asked about no longer wait in the outbox (another program, such as avatar-cli, sent or changed them).</source>
        <translation>询问已关闭：所询问的任务已不在发件箱中等待（另一个程序，例如 avatar-cli，已发送或更改了它们）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="316"/>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="594"/>
        <source>Outbox</source>
        <translation>发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="323"/>
        <source>Cancelled: %1</source>
        <translation>已取消：%1 个</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="333"/>
        <source>Send again?</source>
        <translation>再次发送？</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="335"/>
        <source>The service may already have received %n of these job(s) and billed them. Check your account first. Send again anyway?</source>
        <translation>
            <numerusform>服务可能已收到其中 %n 个任务并已计费。请先检查你的账户。仍要再次发送吗？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="347"/>
        <source>Queued again: %1</source>
        <translation>已重新加入队列：%1 个</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="359"/>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="370"/>
        <source>Mark as submitted</source>
        <translation>标记为已提交</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="360"/>
        <source>The task id the service gave this job (from your account page):</source>
        <translation>服务为此任务分配的任务 ID（可在你的账户页面查看）：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="375"/>
        <source>Task %1 added to the task list.</source>
        <translation>任务 %1 已添加到任务列表。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="401"/>
        <source>Move %n job(s) from %1 to the built-in sandbox? They will be sent there instead; nothing is billed on the sandbox.</source>
        <translation>
            <numerusform>将 %n 个任务从 %1 移到内置沙盒？它们将改为发送到沙盒；沙盒不计费。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="409"/>
        <source>Move %n job(s) from %1 to %2? They will be sent to %2 instead, and billed there by the account of the token in use.</source>
        <translation>
            <numerusform>将 %n 个任务从 %1 移到 %2？它们将改为发送到 %2，并由当前令牌的账户在那里计费。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="419"/>
        <source>Move to the current service?</source>
        <translation>移到当前服务？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="422"/>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="444"/>
        <source>Moved %n job(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 个任务移到 %1。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="450"/>
        <source>Move to the current service</source>
        <translation>移到当前服务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="458"/>
        <source>Job %1 was not moved: the same request is already queued or sent for %2 (%3).</source>
        <translation>任务 %1 未移动：相同的请求已在 %2 排队或已发送（%3）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="462"/>
        <source>Job %1 was not moved: it is “%3”; only queued, waiting or refused jobs move.</source>
        <translation>任务 %1 未移动：其状态为“%3”；只有排队中、等待中或被拒绝的任务可以移动。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="468"/>
        <source>Job %1 is already for %2.</source>
        <translation>任务 %1 已属于 %2。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="470"/>
        <source>Job %1 is no longer in the outbox.</source>
        <translation>任务 %1 已不在发件箱中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="477"/>
        <source>Submitted and cancelled jobs removed from the outbox.</source>
        <translation>已从发件箱中移除已提交和已取消的任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="505"/>
        <source>Import jobs</source>
        <translation>导入任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="506"/>
        <source>Jobs (*.csv *.json *.jsonl *.ndjson *.txt);;All files (*)</source>
        <translation>任务文件 (*.csv *.json *.jsonl *.ndjson *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="510"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="515"/>
        <source>The file could not be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="549"/>
        <source>Nothing was queued.</source>
        <translation>没有任务加入队列。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="562"/>
        <source>The jobs could not be queued.</source>
        <translation>无法将任务加入队列。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="567"/>
        <source>%n job(s) added to the outbox.</source>
        <translation>
            <numerusform>已将 %n 个任务加入发件箱。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="570"/>
        <source>%n voice clone(s) not queued: the speaker&apos;s consent was not confirmed.</source>
        <translation>
            <numerusform>%n 个声音克隆未加入队列：未确认说话人的同意。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="579"/>
        <source>Imported %1 draft(s) and %2 job(s).</source>
        <translation>已导入 %1 个草稿和 %2 个任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="586"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="587"/>
        <source>Skipped:</source>
        <translation>已跳过：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="601"/>
        <source>Save CSV template</source>
        <translation>保存 CSV 模板</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="601"/>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="607"/>
        <source>Template saved: %1</source>
        <translation>模板已保存：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="608"/>
        <source>The template could not be saved.</source>
        <translation>无法保存模板。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="616"/>
        <source>Export drafts and outbox</source>
        <translation>导出草稿和发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="618"/>
        <source>Avatar Desktop export (*.json)</source>
        <translation>Avatar Desktop 导出文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="625"/>
        <source>Exported %1 draft(s) and %2 job(s) to %3.</source>
        <translation>已将 %1 个草稿和 %2 个任务导出到 %3。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_controller.py" line="630"/>
        <source>The export could not be written.</source>
        <translation>无法写入导出文件。</translation>
    </message>
</context>
<context>
    <name>OutboxPanel</name>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="519"/>
        <source>Send now</source>
        <translation>立即发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="521"/>
        <source>Send every waiting job of the current service now (billed)</source>
        <translation>立即发送当前服务的所有待发送任务（计费）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="523"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="524"/>
        <source>Queue jobs from a CSV, JSON or JSON Lines file</source>
        <translation>从 CSV、JSON 或 JSON Lines 文件导入任务并加入队列</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="525"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="526"/>
        <source>Send again</source>
        <translation>再次发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="527"/>
        <source>Mark as submitted with task id…</source>
        <translation>按任务 ID 标记为已提交…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="528"/>
        <source>Open in the form</source>
        <translation>在表单中打开</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="529"/>
        <source>Move to the current service…</source>
        <translation>移到当前服务…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="531"/>
        <source>Send the selected jobs to the current service instead (billed there)</source>
        <translation>将所选任务改为发送到当前服务（在那里计费）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="533"/>
        <source>Remove submitted and cancelled</source>
        <translation>移除已提交和已取消的任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="641"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="641"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="644"/>
        <source>%1 waiting</source>
        <translation>%1 个待发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="647"/>
        <source>%1 need your decision</source>
        <translation>%1 个需要你决定</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="650"/>
        <source>%n wait for other services</source>
        <translation>
            <numerusform>%n 个在等待其他服务</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="652"/>
        <source>paused: the service refused the token</source>
        <translation>已暂停：服务拒绝了令牌</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="654"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="656"/>
        <source>offline: sent when the service can be reached</source>
        <translation>离线：连上服务后将自动发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="658"/>
        <source>sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="660"/>
        <source>automatic sending is off: “Send now” sends</source>
        <translation>自动发送已关闭：请用“立即发送”</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="664"/>
        <source>jobs with files on this computer wait: the storage refused its keys or the access (Settings → Storage, then “Send now”)</source>
        <translation>带本机文件的任务在等待：存储拒绝了其密钥或访问（设置 → 存储，然后点“立即发送”）</translation>
    </message>
</context>
<context>
    <name>OutboxTab</name>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/tab.py" line="90"/>
        <source>The service refused the token: sending is paused until it is fixed.</source>
        <translation>服务拒绝了令牌：在令牌问题解决之前，发送已暂停。</translation>
    </message>
</context>
<context>
    <name>OutboxTableModel</name>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="72"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="73"/>
        <source>Uploading…</source>
        <translation>正在上传…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="74"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="75"/>
        <source>Waiting to retry</source>
        <translation>等待重试</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="76"/>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="77"/>
        <source>Refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="78"/>
        <source>Outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="79"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="82"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="83"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="84"/>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="86"/>
        <source>Next attempt / task</source>
        <translation>下次尝试 / 任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="105"/>
        <source>Sandbox</source>
        <translation>沙盒</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="113"/>
        <source>the form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="115"/>
        <source>the task list (sent again)</source>
        <translation>任务列表（再次发送）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="117"/>
        <source>an export of drafts and outbox</source>
        <translation>导出的草稿和发件箱文件</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="120"/>
        <source>%1, line %2</source>
        <comment>an imported file</comment>
        <translation>%1 第 %2 行</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="295"/>
        <source>Uploading… %1%</source>
        <translation>正在上传… %1%</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="320"/>
        <source>Waits for %1</source>
        <translation>等待 %1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="326"/>
        <source>Held: token refused</source>
        <translation>暂停：令牌被拒绝</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="328"/>
        <source>Held: sending paused</source>
        <translation>暂停：发送已暂停</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="330"/>
        <source>Held: offline</source>
        <translation>暂停：离线</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="332"/>
        <source>Waits for “Send now”</source>
        <translation>等待“立即发送”</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="333"/>
        <source>Due now</source>
        <translation>现在到期</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="342"/>
        <source>For another service: %1. It is only ever sent there, not to the current service (%2); “Move to the current service…” sends it to %2 instead.</source>
        <translation>属于另一个服务：%1。它只会发送到那里，不会发送到当前服务（%2）；“移到当前服务…”可改为发送到 %2。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="363"/>
        <source>The service could not be reached; sent again when it can be.</source>
        <translation>无法连接到服务；连上服务后将再次发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="368"/>
        <source>The service asked to wait before the next attempt.</source>
        <translation>服务要求在下一次尝试前等待。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="374"/>
        <source>The request may have reached the service and be billed. Check your account, then mark it as submitted, send it again, or discard it.</source>
        <translation>该请求可能已到达服务并已计费。请先检查你的账户，然后将其标记为已提交、再次发送或丢弃。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="382"/>
        <source>The service refused it (not billed). Edit it and queue again.</source>
        <translation>服务拒绝了该请求（未计费）。请修改后重新加入队列。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="391"/>
        <source>From: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="396"/>
        <source>Service: %1</source>
        <translation>服务：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="401"/>
        <source>Queued: %1</source>
        <translation>加入队列时间：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="85"/>
        <source>Avatar</source>
        <translation>形象</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/outbox/outbox_panel.py" line="87"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>RequestPreviewDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="40"/>
        <source>Request to be sent</source>
        <translation>待发送的请求</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="48"/>
        <source>POST %1/avatar/generation</source>
        <translation>POST %1/avatar/generation</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="53"/>
        <source>Copy &amp;JSON</source>
        <translation>复制 JSON(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="60"/>
        <source>&amp;Include the token (it is a secret: anyone with it can spend your balance)</source>
        <translation>包含令牌(&amp;I)（令牌需保密：任何人拿到它都能消耗你的余额）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="65"/>
        <source>Copy &amp;curl command</source>
        <translation>复制 curl 命令(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="69"/>
        <source>Without the token, the command reads it from the AVATAR_API_TOKEN environment variable.</source>
        <translation>不包含令牌时，该命令会从 AVATAR_API_TOKEN 环境变量读取令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="87"/>
        <source>As a curl command:</source>
        <translation>curl 命令：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="102"/>
        <source>Include the token?</source>
        <translation>包含令牌？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/request_preview.py" line="104"/>
        <source>The command will contain your API token. Anyone who sees it can spend your balance. Include it anyway?</source>
        <translation>该命令将包含你的 API 令牌，任何看到它的人都能消耗你的余额。仍要包含吗？</translation>
    </message>
</context>
<context>
    <name>SampleOffer</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/sample_offer.py" line="33"/>
        <source>On the sandbox: try it with its own sample media, no network needed.</source>
        <translation>沙盒模式：可用自带的示例素材离线试用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/sample_offer.py" line="35"/>
        <source>Fill with sample media</source>
        <translation>填入示例素材</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/sample_offer.py" line="38"/>
        <source>Put the sandbox&apos;s sample avatar, audio track and voice sample into the form, so that Check media and Submit work at once</source>
        <translation>把沙盒的示例形象、音轨和声音样本填入表单，“检查素材”和“提交”即可立即使用</translation>
    </message>
</context>
<context>
    <name>ServiceBanner</name>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="37"/>
        <source>Set a token…</source>
        <translation>设置令牌…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="38"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="63"/>
        <source>You are using the built-in sandbox: requests stay on this computer and nothing is billed. Choose the real service in Settings.</source>
        <translation>你正在使用内置沙盒：请求只在本机处理，不会计费。如需使用真实服务，请在“设置”中选择。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="71"/>
        <source>No API token is set, so the app uses its built-in sandbox: requests stay on this computer and nothing is billed. Set a token to use the real service.</source>
        <translation>尚未设置 API 令牌，因此正在使用内置沙盒：请求只在本机处理，不会计费。设置令牌后即可使用真实服务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="79"/>
        <source>No usable system keyring was found, so a token cannot be saved; you can still use one for this session only.</source>
        <translation>未找到可用的系统钥匙串，无法保存令牌；仍可仅在本次会话中使用令牌。</translation>
    </message>
</context>
<context>
    <name>ServiceLabel</name>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="98"/>
        <source>SANDBOX — %1</source>
        <translation>沙盒 SANDBOX — %1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="104"/>
        <source>The built-in sandbox: nothing is sent to the real service or billed.</source>
        <translation>内置沙盒：不会向真实服务发送任何内容，也不会计费。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/service_banner.py" line="107"/>
        <source>Service: %1</source>
        <translation>服务：%1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="62"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="73"/>
        <source>Sandbox (built-in, free, offline)</source>
        <translation>沙盒（内置、免费、离线）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="75"/>
        <source>Official service (%1)</source>
        <translation>官方服务（%1）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="77"/>
        <source>Custom address (mirror or proxy)</source>
        <translation>自定义地址（镜像或代理）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="87"/>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="92"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="96"/>
        <source>Use the system&apos;s proxy settings</source>
        <translation>使用系统代理设置</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="97"/>
        <source>No proxy</source>
        <translation>不使用代理</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="98"/>
        <source>Custom proxy</source>
        <translation>自定义代理</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="103"/>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="109"/>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="112"/>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="114"/>
        <source>&amp;Service:</source>
        <translation>服务(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="115"/>
        <source>&amp;Address:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="117"/>
        <source>&amp;Connect timeout:</source>
        <translation>连接超时(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="118"/>
        <source>&amp;Read timeout:</source>
        <translation>读取超时(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="119"/>
        <source>&amp;Proxy:</source>
        <translation>代理(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="120"/>
        <source>Proxy a&amp;ddress:</source>
        <translation>代理地址(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="123"/>
        <source>Send queued jobs automatically while online</source>
        <translation>联网时自动发送队列中的任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="128"/>
        <source>Outbox</source>
        <translation>发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="131"/>
        <source>Jobs sent at &amp;once:</source>
        <translation>同时发送的任务数(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="135"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="137"/>
        <source>&amp;Keep finished videos automatically</source>
        <translation>自动保存已完成的视频(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="141"/>
        <source>Result links expire after some days. With this on, each task that succeeds is saved into the download folder at once.</source>
        <translation>结果链接会在几天后过期。开启后，每个成功的任务都会立即保存到下载文件夹。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="147"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="152"/>
        <source>Download &amp;folder:</source>
        <translation>下载文件夹(&amp;F)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="159"/>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="161"/>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="165"/>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="181"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="182"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="202"/>
        <source>Download folder</source>
        <translation>下载文件夹</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="236"/>
        <source>Use https://; plain http:// would send the token unencrypted (it is only allowed for this computer).</source>
        <translation>请使用 https://；普通 http:// 会以明文发送令牌（仅允许用于本机地址）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="240"/>
        <source>Enter a full address: https://…, or http://… for this computer only (127.0.0.1, localhost).</source>
        <translation>请输入完整地址：https://…；http://… 仅限本机（127.0.0.1、localhost）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="253"/>
        <source>Enter a proxy address such as http://proxy.example.com:8080 (http, https or socks5).</source>
        <translation>请输入代理地址，例如 http://proxy.example.com:8080（http、https 或 socks5）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="266"/>
        <source>Give a full path, such as ~/Videos.</source>
        <translation>请填写完整路径，例如 ~/Videos。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/settings_dialog.py" line="267"/>
        <source>This is a file, not a folder (or a path under a file).</source>
        <translation>这是一个文件，不是文件夹（或是某个文件之下的路径）。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="181"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="184"/>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="184"/>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="206"/>
        <source>* Where the list or the form it belongs to has the keyboard focus.</source>
        <translation>* 仅在其所属的列表或表单获得键盘焦点时有效。</translation>
    </message>
</context>
<context>
    <name>SpokenText</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="316"/>
        <source>The words the avatar will say</source>
        <translation>形象要说的话</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="332"/>
        <source>%1 / %2 characters</source>
        <translation>%1 / %2 字符</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../avatar_desktop/app.py" line="256"/>
        <source>Avatar Desktop is already open on this data folder (%1), but its window does not answer. Close it, or end it in the task manager, then start it again.</source>
        <translation>Avatar Desktop 已在此数据文件夹（%1）上打开，但其窗口没有响应。请关闭它，或在任务管理器中结束它，然后再次启动。</translation>
    </message>
</context>
<context>
    <name>StorageDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="74"/>
        <source>The task list is damaged</source>
        <translation>任务列表已损坏</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="77"/>
        <source>The file that holds your task list is damaged, so it cannot be opened safely:
%1

It has been left exactly as it is.</source>
        <translation>保存任务列表的文件已损坏，无法安全打开：
%1

该文件已原样保留，未做任何改动。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="84"/>
        <source>Moving it aside renames it to %1 (nothing is deleted) and starts a new list with what can still be read from it.</source>
        <translation>移到一旁会将它重命名为 %1（不会删除任何内容），并用其中仍可读取的内容新建列表。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="92"/>
        <source>The last good backup was taken on %1 and holds %2 task(s).</source>
        <translation>最近一次完好的备份创建于 %1，包含 %2 个任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="99"/>
        <source>There is no backup to restore.</source>
        <translation>没有可恢复的备份。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="101"/>
        <source>What the check found: %1</source>
        <translation>检查结果：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="107"/>
        <source>Move it aside and start fresh</source>
        <translation>移到一旁并重新开始</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="113"/>
        <source>Restore the last good backup</source>
        <translation>恢复最近一次完好的备份</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="119"/>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="151"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="131"/>
        <source>The disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="134"/>
        <source>The disk that holds your data is full, so Avatar Desktop cannot open or save its task list:
%1</source>
        <translation>保存数据的磁盘已满，Avatar Desktop 无法打开或保存任务列表：
%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="141"/>
        <source>Nothing was changed. Free some space on this disk, then choose Try again.</source>
        <translation>未做任何更改。请在此磁盘上释放一些空间，然后选择“重试”。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="147"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="174"/>
        <source>Avatar Desktop</source>
        <translation>Avatar Desktop</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="212"/>
        <source>The task list cannot be opened:</source>
        <translation>无法打开任务列表：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="226"/>
        <source>The backup is no longer there.</source>
        <translation>该备份已不存在。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="231"/>
        <source>The backup of %1 was restored; the damaged file was kept as %2.</source>
        <translation>已恢复 %1 的备份；损坏的文件已保留为 %2。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="240"/>
        <source>A new task list was started; the damaged file was kept as %1.</source>
        <translation>已新建任务列表；损坏的文件已保留为 %1。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="247"/>
        <source>Still readable in the damaged file and brought back: %1 task(s), %2 outbox job(s), %3 draft(s).</source>
        <translation>已从损坏的文件中找回仍可读取的内容：%1 个任务、%2 个发件箱任务、%3 个草稿。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="256"/>
        <source>That did not work:</source>
        <translation>操作未成功：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="470"/>
        <source>The disk was full when the service answered %1 request(s) last time, so its answer could not be saved. They are marked “Outcome unknown”: the jobs may exist and be billed, so check your account before sending them again.</source>
        <translation>上次服务响应 %1 个请求时磁盘已满，因此无法保存服务的响应。这些请求已标记为“结果未知”：相应任务可能已创建并计费，再次发送前请先检查你的账户。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="479"/>
        <source>%1 job(s) accepted while the disk was full last time are in the task list now: %2</source>
        <translation>上次磁盘已满时被服务接受的 %1 个任务现已加入任务列表：%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="497"/>
        <source>The disk was full</source>
        <translation>上次磁盘已满</translation>
    </message>
</context>
<context>
    <name>StoragePage</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="79"/>
        <source>Path style (https://host/bucket/…)</source>
        <translation>路径样式（https://host/bucket/…）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="80"/>
        <source>Virtual host (https://bucket.host/…)</source>
        <translation>虚拟主机样式（https://bucket.host/…）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="85"/>
        <source>Signed links that expire</source>
        <translation>会过期的签名链接</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="86"/>
        <source>Public links under a base address</source>
        <translation>基础地址下的公开链接</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="91"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="104"/>
        <source>Save &amp;keys</source>
        <translation>保存密钥(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="105"/>
        <source>R&amp;emove keys</source>
        <translation>移除密钥(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="111"/>
        <source>Looking in the system keyring…</source>
        <translation>正在查看系统钥匙串…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="114"/>
        <source>&amp;Test</source>
        <translation>测试(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="122"/>
        <source>Local pictures, videos and voice samples are uploaded to your own S3-compatible storage (AWS S3, Cloudflare R2, Backblaze B2, MinIO, Aliyun OSS, Tencent COS) and the service is given a link to them. Each file is stored once, named by its SHA-256.</source>
        <translation>本地的图片、视频和声音样本会上传到你自己的 S3 兼容存储（AWS S3、Cloudflare R2、Backblaze B2、MinIO、阿里云 OSS、腾讯云 COS），服务得到的是指向它们的链接。每个文件只存一份，以其 SHA-256 命名。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="129"/>
        <source>Bucket and links</source>
        <translation>存储桶与链接</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="131"/>
        <source>Add&amp;ress:</source>
        <translation>地址(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="132"/>
        <source>Re&amp;gion:</source>
        <translation>区域(&amp;G)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="133"/>
        <source>&amp;Bucket:</source>
        <translation>存储桶(&amp;B)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="134"/>
        <source>&amp;Prefix:</source>
        <translation>前缀(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="135"/>
        <source>A&amp;ddressing:</source>
        <translation>寻址方式(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="136"/>
        <source>&amp;Links:</source>
        <translation>链接(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="137"/>
        <source>Links &amp;work for:</source>
        <translation>链接有效期(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="138"/>
        <source>P&amp;ublic base address:</source>
        <translation>公开基础地址(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="141"/>
        <source>Access keys</source>
        <translation>访问密钥</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="143"/>
        <source>Access key &amp;ID:</source>
        <translation>访问密钥 ID(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="144"/>
        <source>&amp;Secret access key:</source>
        <translation>秘密访问密钥(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="240"/>
        <source>Enter the public base address, or choose signed links.</source>
        <translation>请输入公开基础地址，或选择签名链接。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="246"/>
        <source>Enter both the storage&apos;s address and the bucket (or neither).</source>
        <translation>请同时填写存储地址和存储桶（或都不填）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="252"/>
        <source>Use https:// for the storage and the public base address (http:// only for this computer).</source>
        <translation>存储地址和公开基础地址请使用 https://（http:// 仅限本机）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="257"/>
        <source>Enter the storage&apos;s address without a path, such as https://s3.eu-west-1.amazonaws.com, and a full public base address.</source>
        <translation>请输入不带路径的存储地址，例如 https://s3.eu-west-1.amazonaws.com，以及完整的公开基础地址。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="262"/>
        <source>A bucket name is 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit (with dots: path style only).</source>
        <translation>存储桶名称由 3 到 63 个小写字母、数字、点和连字符组成，以字母或数字开头和结尾（含点时只能用路径样式）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="266"/>
        <source>The prefix is a path such as uploads/, without a leading /, \ or ..</source>
        <translation>前缀是类似 uploads/ 的路径，不能以 / 开头，也不能包含 \ 或 ..</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="268"/>
        <source>A region is a name such as eu-west-1 or auto.</source>
        <translation>区域是类似 eu-west-1 或 auto 的名称。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="269"/>
        <source>This value cannot be used.</source>
        <translation>此值无法使用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="274"/>
        <source>Save the keys you typed, or clear them, before OK.</source>
        <translation>请先保存你输入的密钥，或将其清空，再点“确定”。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="319"/>
        <source>The keys come from the environment variables %1 and %2, which take precedence over the keyring.</source>
        <translation>密钥来自环境变量 %1 和 %2，它们优先于钥匙串。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="324"/>
        <source>Keys are saved in the system keyring.</source>
        <translation>密钥已保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="326"/>
        <source>No keys are saved. They are kept only in the system keyring.</source>
        <translation>尚未保存密钥。密钥只保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="336"/>
        <source>The access key id and the secret cannot contain spaces or characters other than printable ASCII.</source>
        <translation>访问密钥 ID 和秘密访问密钥不能包含空格或可打印 ASCII 以外的字符。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="341"/>
        <source>The keys saved in the system keyring cannot be used: save them again.</source>
        <translation>系统钥匙串中保存的密钥无法使用：请重新保存。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="344"/>
        <source>The system keyring cannot keep the storage keys here. Set %1 and %2 instead.</source>
        <translation>系统钥匙串无法在此保存存储密钥。请改为设置 %1 和 %2。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="396"/>
        <source>Enter the storage&apos;s address and bucket first.</source>
        <translation>请先填写存储地址和存储桶。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="407"/>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="429"/>
        <source>No keys: enter the access key ID and the secret access key.</source>
        <translation>没有密钥：请输入访问密钥 ID 和秘密访问密钥。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="438"/>
        <source>The storage works: a test object was written, read back and deleted.</source>
        <translation>存储可用：已写入、读回并删除一个测试对象。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="440"/>
        <source>Connecting to the storage failed</source>
        <translation>连接存储失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="441"/>
        <source>Writing a test object failed</source>
        <translation>写入测试对象失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="442"/>
        <source>Reading the test object back failed</source>
        <translation>读回测试对象失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="443"/>
        <source>Deleting the test object failed</source>
        <translation>删除测试对象失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="446"/>
        <source>the storage could not be reached.</source>
        <translation>无法连接到存储。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="448"/>
        <source>the storage refused the keys or the access, or the bucket does not exist (the service&apos;s token is not concerned).</source>
        <translation>存储拒绝了密钥或访问，或者存储桶不存在（与服务的令牌无关）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="451"/>
        <source>the storage answered with an error.</source>
        <translation>存储返回了错误。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_page.py" line="454"/>
        <source>%1: %2</source>
        <comment>the failed step, then why</comment>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>SubmitFlow</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="117"/>
        <source>A submission is in flight; wait for its answer.</source>
        <translation>正在提交，请等待服务响应。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="119"/>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="197"/>
        <source>Reading the files to upload…</source>
        <translation>正在读取要上传的文件…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="121"/>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="166"/>
        <source>Checking the voice sample&apos;s length before sending…</source>
        <translation>发送前正在检查声音样本的时长…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="123"/>
        <source>Not ready to submit:</source>
        <translation>尚不能提交：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="125"/>
        <source>Send to the sandbox (free) — Ctrl+Enter</source>
        <translation>发送到沙盒（免费）— Ctrl+Enter</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="127"/>
        <source>Send to %1 (billed) — Ctrl+Enter</source>
        <translation>发送到 %1（计费）— Ctrl+Enter</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="150"/>
        <source>The form is not complete.</source>
        <translation>表单尚未填写完整。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="172"/>
        <source>The media check found a problem the service will reject:</source>
        <translation>素材检查发现了会被服务拒绝的问题：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="219"/>
        <source>The files could not be read, so the job was not queued.</source>
        <translation>无法读取文件，任务未加入发件箱。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="221"/>
        <source>Nothing was queued.</source>
        <translation>没有加入任何任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="236"/>
        <source>The job could not be recorded, so it was not sent.</source>
        <translation>无法记录该任务，因此未发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="245"/>
        <source>Added to the outbox (%1 waiting).</source>
        <translation>已加入发件箱（%1 个待发送）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="251"/>
        <source>the sandbox</source>
        <translation>沙盒</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="252"/>
        <source>Sending to %1…</source>
        <translation>正在发送到 %1…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="261"/>
        <source>Still reading the token; try again.</source>
        <translation>仍在读取令牌，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="265"/>
        <source>No API token is set for %1. Set one (File → API token) or use the sandbox in Settings.</source>
        <translation>尚未为 %1 设置 API 令牌。请设置令牌（文件 → API 令牌），或在“设置”中改用沙盒。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="298"/>
        <source>Not sent: the check was cancelled.</source>
        <translation>未发送：检查已取消。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="302"/>
        <source>Not sent: the form changed during the check. Submit again.</source>
        <translation>未发送：检查期间表单已更改，请重新提交。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="312"/>
        <source>Send the same request again?</source>
        <translation>再次发送相同的请求？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="316"/>
        <source>(no task id: outcome unknown)</source>
        <translation>（无任务 ID：结果未知）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="318"/>
        <source>This exact request was already submitted at %1 as task %2.</source>
        <translation>完全相同的请求已于 %1 提交过，对应任务：%2。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="326"/>
        <source>This exact request is already in the outbox (item %1: %2).</source>
        <translation>完全相同的请求已在发件箱中（第 %1 项：%2）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="331"/>
        <source>Sending it again creates a new job, which is billed again.</source>
        <translation>再次发送会创建新任务，并再次计费。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="333"/>
        <source>Send again</source>
        <translation>再次发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="356"/>
        <source>Submitted: task %1</source>
        <translation>已提交：任务 %1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="361"/>
        <source>The service accepted the job as task %1, but it could not be saved in the task list yet (%2). Note this task id; the app keeps trying to save it.</source>
        <translation>服务已接受该任务，任务 ID 为 %1，但暂时无法保存到任务列表（%2）。请记下此任务 ID；应用会继续尝试保存。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="397"/>
        <source>The upload was stopped; the job waits in the outbox.</source>
        <translation>上传已停止；任务在发件箱中等待。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="505"/>
        <source>Paid requests are waiting for the service&apos;s answer. If you quit now, their task ids are lost and the jobs are kept as “Outcome unknown”.</source>
        <translation>有付费请求正在等待服务的响应。如果现在退出，它们的任务 ID 将丢失，这些任务会被标记为“结果未知”。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="383"/>
        <source>The job waits in the outbox and goes out at %1 on its own.</source>
        <translation>任务在发件箱中等待，将于 %1 自动发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="391"/>
        <source>The job waits in the outbox until the token is fixed; nothing is lost.</source>
        <translation>任务将在发件箱中等待，直到令牌问题解决；不会丢失任何内容。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="420"/>
        <source>The service asked to wait before the next request: the job waits in the outbox and goes out by itself.</source>
        <translation>服务要求在下一次请求前等待：任务已留在发件箱中，稍后会自动发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="424"/>
        <source>Another program sent this job meanwhile: see the outbox.</source>
        <translation>另一个程序已在此期间发送了该任务：请查看发件箱。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="431"/>
        <source>The service cannot be reached</source>
        <translation>无法连接到服务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="436"/>
        <source>Nothing was sent. Keep the job in the outbox? It is sent by itself as soon as the service can be reached.</source>
        <translation>未发送任何内容。要将任务保留在发件箱中吗？一旦可以连接到服务，它就会自动发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="440"/>
        <source>Keep in outbox</source>
        <translation>保留在发件箱</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="441"/>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="447"/>
        <source>The job was discarded.</source>
        <translation>已丢弃该任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="451"/>
        <source>The job was already sent meanwhile: see the outbox.</source>
        <translation>该任务已在此期间发送：请查看发件箱。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="454"/>
        <source>The job waits in the outbox.</source>
        <translation>任务在发件箱中等待。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="469"/>
        <source>It is not known whether the service created (and billed) the job: check your account before sending it again.</source>
        <translation>无法确定服务是否已创建（并计费）该任务：再次发送前请先查看账户。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="478"/>
        <source>Outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="483"/>
        <source>The job is kept in the outbox, marked “Outcome unknown”: there you can mark it as submitted with its task id, send it again, or discard it. The app will not resend it on its own.</source>
        <translation>任务已保留在发件箱中，并标记为“结果未知”：你可以在发件箱中按任务 ID 将其标记为已提交、再次发送或丢弃。应用不会自动重新发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="501"/>
        <source>A request is on its way</source>
        <translation>请求正在等待响应</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="509"/>
        <source>Wait for the answer</source>
        <translation>等待响应</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="510"/>
        <source>Quit anyway</source>
        <translation>仍然退出</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/submit_flow.py" line="521"/>
        <source>Waiting for the service&apos;s answer…</source>
        <translation>正在等待服务响应…</translation>
    </message>
</context>
<context>
    <name>TaskDetailsPane</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="80"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="81"/>
        <source>Video without watermark</source>
        <translation>无水印视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="82"/>
        <source>Video with watermark</source>
        <translation>带水印视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="83"/>
        <source>Cover picture</source>
        <translation>封面图片</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="88"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="89"/>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="90"/>
        <source>Started</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="91"/>
        <source>Finished</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="92"/>
        <source>Last checked</source>
        <translation>最后查询</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="108"/>
        <source>The request went out but no answer came back: the job may exist on the service (and be billed). Check before sending it again.</source>
        <translation>请求已发出，但没有收到响应：该任务可能已在服务上创建（并已计费）。再次发送前请先确认。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="114"/>
        <source>The service does not know this task id; it is not asked about any more.</source>
        <translation>服务不认识此任务 ID；不会再查询它。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="119"/>
        <source>The request is being sent.</source>
        <translation>请求正在发送。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="123"/>
        <source>Result links expire after some days: download the video to keep it.</source>
        <translation>结果链接会在几天后过期：请下载视频以便保留。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="129"/>
        <source>No news for hours. The app still asks about it now and then; Refresh asks at once.</source>
        <translation>数小时没有进展。应用仍会不时查询；点击“刷新”可立即查询。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="134"/>
        <source>The service has not said how the task is going yet; the app keeps asking.</source>
        <translation>服务尚未告知任务进展；应用会继续查询。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="156"/>
        <source>given in the window</source>
        <translation>在窗口中确认</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="158"/>
        <source>given on the command line</source>
        <translation>在命令行中确认</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="160"/>
        <source>given</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="166"/>
        <source>%1, %2</source>
        <comment>a time, how consent was given</comment>
        <translation>%1，%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="178"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="182"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="189"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="195"/>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="210"/>
        <source>%1 (rendering: %2)</source>
        <translation>%1（渲染：%2）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="224"/>
        <source>The voice sample seems too short: cloning a voice needs a sample of at least 20 seconds of clear speech.</source>
        <translation>声音样本似乎太短：克隆声音需要至少 20 秒清晰语音的样本。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="236"/>
        <source>The service seems to have refused the content (the text, the picture or the voice). Changing it may help; sending the same request again will not.</source>
        <translation>服务似乎拒绝了内容（文本、图片或声音）。修改内容可能有帮助；再次发送相同的请求则不会。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="249"/>
        <source>The service could not use the picture: check that its link opens an image (JPEG or PNG) with one clearly visible face.</source>
        <translation>服务无法使用该图片：请检查其链接能否打开一张图片（JPEG 或 PNG），且图中有一张清晰可见的人脸。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="260"/>
        <source>The service may not have been able to fetch a file of the request: check that each link opens from any computer, not only from your own network.</source>
        <translation>服务可能无法获取请求中的某个文件：请检查每个链接能否从任何电脑打开，而不仅仅是在你自己的网络中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="268"/>
        <source>This is the local sandbox: the request asked it to fail (it contains “sandbox-fail”).</source>
        <translation>这是本地沙盒：请求要求它失败（其中包含“sandbox-fail”）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="280"/>
        <source>The service could not make this video.</source>
        <translation>服务无法生成此视频。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="289"/>
        <source>It gave no reason.</source>
        <translation>服务未给出原因。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="497"/>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1013"/>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1020"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="498"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="500"/>
        <source>Open the link in the web browser</source>
        <translation>在网页浏览器中打开链接</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="793"/>
        <source>accepted; the service&apos;s time comes with the first status check</source>
        <translation>已受理；服务的时间将在首次状态检查后显示</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="809"/>
        <source>Uploaded from this computer:</source>
        <translation>从本机上传的文件：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="817"/>
        <source>Not known: this task was added by its id (made on the website or on another computer).</source>
        <translation>未知：此任务是通过其 ID 添加的（在网站或其他电脑上创建）。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="877"/>
        <source>Loading cover…</source>
        <translation>正在加载封面…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="898"/>
        <source>The cover cannot be shown: %1</source>
        <translation>无法显示封面：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="916"/>
        <source>Copied: %1</source>
        <translation>已复制：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="926"/>
        <source>Only web (http/https) links are opened.</source>
        <translation>只会打开网页（http/https）链接。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="951"/>
        <source>The saved file is no longer there: %1</source>
        <translation>已保存的文件已不存在：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="991"/>
        <source>Select a task to see its details</source>
        <translation>选择一个任务以查看其详细信息</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="994"/>
        <source>The service&apos;s words:</source>
        <translation>服务的原话：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="997"/>
        <source>Problem noticed by the app:</source>
        <translation>应用发现的问题：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="999"/>
        <source>Saved video</source>
        <translation>已保存的视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1000"/>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1002"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1004"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1005"/>
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1007"/>
        <source>Save the video on this computer</source>
        <translation>将视频保存到本机</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1011"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1012"/>
        <source>Task id</source>
        <translation>任务 ID</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1014"/>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1017"/>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1018"/>
        <source>Consent</source>
        <translation>同意记录</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_details.py" line="1019"/>
        <source>Request sent</source>
        <translation>已发送的请求</translation>
    </message>
</context>
<context>
    <name>TaskNotifier</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="45"/>
        <source>Show Avatar Desktop</source>
        <translation>显示 Avatar Desktop</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="66"/>
        <source>Video ready</source>
        <translation>视频已就绪</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="68"/>
        <source>Task %1 is done; its video is being saved.</source>
        <translation>任务 %1已完成，正在保存其视频。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="70"/>
        <source>Task %1 is done: its video can be saved now.</source>
        <translation>任务 %1已完成：现在可以保存其视频。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="72"/>
        <source>Task failed</source>
        <translation>任务失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="73"/>
        <source>Task %1 failed: %2</source>
        <translation>任务 %1失败：%2</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="74"/>
        <source>no reason given</source>
        <translation>未提供原因</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="82"/>
        <source>(No desktop notifications here: no system tray.)</source>
        <translation>（此处没有桌面通知：没有系统托盘。）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="97"/>
        <source>%1 (sent %2)</source>
        <translation>%1（%2 发送）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/notifier.py" line="100"/>
        <source>%1 (sent %2, “%3”)</source>
        <translation>%1（%2 发送，“%3”）</translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="41"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="42"/>
        <source>Voice mode</source>
        <translation>声音模式</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="44"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="43"/>
        <source>Avatar</source>
        <translation>形象</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="49"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="50"/>
        <source>Outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="51"/>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="52"/>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="53"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="54"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="45"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="55"/>
        <source>Rendering</source>
        <translation>渲染中</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="56"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="57"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="58"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="61"/>
        <source>Stalled</source>
        <translation>停滞</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="62"/>
        <source>Rendering %1%</source>
        <translation>渲染中 %1%</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="65"/>
        <source>Audio URL</source>
        <translation>音频 URL</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="66"/>
        <source>Clone voice</source>
        <translation>克隆声音</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/task_model.py" line="67"/>
        <source>Existing voice</source>
        <translation>已有声音</translation>
    </message>
</context>
<context>
    <name>TasksController</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="87"/>
        <source>Only tasks of the current service can be refreshed.</source>
        <translation>只能刷新当前服务的任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="91"/>
        <source>Asking the service…</source>
        <translation>正在查询服务…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="93"/>
        <source>Set an API token to ask the service.</source>
        <translation>请设置 API 令牌以查询服务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="98"/>
        <source>Asking the service about every unfinished task…</source>
        <translation>正在向服务查询所有未完成的任务…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="100"/>
        <source>No unfinished task of this service to ask about.</source>
        <translation>此服务没有需要查询的未完成任务。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="108"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="123"/>
        <source>Add task by id</source>
        <translation>按 ID 添加任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="110"/>
        <source>The id of a task made on the website or on another computer. It is followed on the current service:
%1</source>
        <translation>在网站上或在另一台电脑上创建的任务的 ID。将在当前服务上跟踪：
%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="129"/>
        <source>Task %1 is already in the list.</source>
        <translation>任务 %1 已在列表中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="135"/>
        <source>Task %1 added; asking the service about it…</source>
        <translation>已添加任务 %1；正在向服务查询…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="155"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="170"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="173"/>
        <source>Mark as submitted</source>
        <translation>标记为已提交</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="157"/>
        <source>If the service made this job (see its website), enter the job&apos;s task id. The task is then followed like any other.</source>
        <translation>如果服务已创建此任务（请查看其网站），请输入该任务的任务 ID。之后会像其他任务一样跟踪它。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="178"/>
        <source>Task %1 is followed now.</source>
        <translation>现在开始跟踪任务 %1。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="189"/>
        <source>Send again?</source>
        <translation>再次发送？</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="193"/>
        <source>The first request of %n job(s) may have reached the service: if it did, the job exists and was billed, and sending again makes and bills a second one.</source>
        <translation>
            <numerusform>%n 个任务的首次请求可能已到达服务：如果已到达，该任务已存在并已计费，再次发送会创建并计费第二个任务。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="199"/>
        <source>Check the service&apos;s website first if you can.</source>
        <translation>如有可能，请先查看服务的网站。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="200"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="235"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="239"/>
        <source>Send again</source>
        <translation>再次发送</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="241"/>
        <source>%n job(s) queued again in the outbox.</source>
        <translation>
            <numerusform>已将 %n 个任务重新加入发件箱队列。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="258"/>
        <source>CSV for spreadsheets (*.csv)</source>
        <translation>用于电子表格的 CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="259"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="262"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="295"/>
        <source>Export tasks</source>
        <translation>导出任务</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="291"/>
        <source>%n task(s) exported to %1</source>
        <translation>
            <numerusform>已将 %n 个任务导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_controller.py" line="297"/>
        <source>Exporting tasks…</source>
        <translation>正在导出任务…</translation>
    </message>
</context>
<context>
    <name>TasksPanel</name>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="57"/>
        <source>All tasks</source>
        <translation>全部任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="59"/>
        <source>Unfinished</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="62"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="64"/>
        <source>Failed or not found</source>
        <translation>失败或未找到</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="68"/>
        <source>Outcome unknown</source>
        <translation>结果未知</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="75"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="76"/>
        <source>Video without watermark</source>
        <translation>无水印视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="77"/>
        <source>Video with watermark</source>
        <translation>带水印视频</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="238"/>
        <source>Search task id, avatar or words</source>
        <translation>搜索任务 ID、形象或文字</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="241"/>
        <source>Show only tasks in this state</source>
        <translation>只显示处于此状态的任务</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="243"/>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="307"/>
        <source>%n task(s) match</source>
        <translation>
            <numerusform>%n 个任务匹配</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="309"/>
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n 个任务</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="439"/>
        <source>Task ids copied: %1</source>
        <translation>已复制任务 ID：%1 个</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="449"/>
        <source>This task&apos;s request cannot be loaded.</source>
        <translation>无法载入此任务的请求。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="465"/>
        <source>Removed from the list: %1 (the service keeps them). Undo with Ctrl+Z.</source>
        <translation>已从列表中移除 %1 个任务（服务端仍保留）。按 Ctrl+Z 可撤销。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="479"/>
        <source>Could not restore: %1</source>
        <translation>无法恢复：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="485"/>
        <source>Restored to the list: %1</source>
        <translation>已恢复到列表：%1 个任务</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="499"/>
        <source>No program could open the video; its link was copied instead.</source>
        <translation>没有可以打开视频的程序，已改为复制其链接。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/tasks/tasks_panel.py" line="534"/>
        <source>Video link copied.</source>
        <translation>已复制视频链接。</translation>
    </message>
</context>
<context>
    <name>TokenController</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="100"/>
        <source>Token: loading…</source>
        <translation>令牌：正在加载…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="102"/>
        <source>Token: AVATAR_API_TOKEN variable</source>
        <translation>令牌：AVATAR_API_TOKEN 环境变量</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="103"/>
        <source>Token: keyring</source>
        <translation>令牌：系统钥匙串</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="104"/>
        <source>Token: this session only</source>
        <translation>令牌：仅本次会话</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="105"/>
        <source>Token: none</source>
        <translation>令牌：未设置</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="147"/>
        <source>Token saved in the keyring.</source>
        <translation>令牌已保存到系统钥匙串。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="149"/>
        <source>Saved in the keyring and read back.</source>
        <translation>已保存到系统钥匙串，并已读回验证。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="157"/>
        <source>Kept for this session only.</source>
        <translation>仅在本次会话中保留。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="164"/>
        <source>Token removed.</source>
        <translation>令牌已移除。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="166"/>
        <source>The token was removed.</source>
        <translation>已移除令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="174"/>
        <source>The built-in sandbox (%1) accepted the token, as it accepts any token. To check the token with the real service, choose it in Settings and test again.</source>
        <translation>内置沙盒（%1）接受了该令牌——沙盒接受任何令牌。如需用真实服务检验令牌，请在“设置”中选择真实服务后再次测试。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="178"/>
        <source>The token works: %1 accepted it.</source>
        <translation>令牌有效：%1 已接受。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="182"/>
        <source>The token test failed.</source>
        <translation>令牌测试失败。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="183"/>
        <source>Service asked: %1</source>
        <translation>测试的服务：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="194"/>
        <source>The keyring could not be read.</source>
        <translation>无法读取系统钥匙串。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="195"/>
        <source>The token could not be saved in the keyring.</source>
        <translation>无法将令牌保存到系统钥匙串。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="196"/>
        <source>The token could not be removed from the keyring.</source>
        <translation>无法从系统钥匙串中移除令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="197"/>
        <source>The token could not be kept for this session.</source>
        <translation>无法在本次会话中使用该令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="199"/>
        <source>The keyring failed.</source>
        <translation>系统钥匙串出错。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="216"/>
        <source>Use the real service?</source>
        <translation>使用真实服务？</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="218"/>
        <source>A token is now set. Switch from the sandbox to the real service? Requests there are billed.</source>
        <translation>令牌已设置。是否从沙盒切换到真实服务？在真实服务上的请求会计费。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_controller.py" line="264"/>
        <source>Enter a token to test.</source>
        <translation>请输入要测试的令牌。</translation>
    </message>
</context>
<context>
    <name>TokenDialog</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="44"/>
        <source>API token</source>
        <translation>API 令牌</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="51"/>
        <source>The token is kept only in your system&apos;s keyring (service “%1”, account “%2”). It is never written to a file.</source>
        <translation>令牌仅保存在系统钥匙串（keyring）中，服务名“%1”，账户“%2”；绝不会写入文件。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="65"/>
        <source>Paste your API token</source>
        <translation>粘贴你的 API 令牌</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="70"/>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="170"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="72"/>
        <source>Show or hide the token</source>
        <translation>显示或隐藏令牌</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="82"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="83"/>
        <source>Use for this &amp;session only</source>
        <translation>仅用于本次会话(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="85"/>
        <source>Keep the token in memory until the app closes; nothing is stored</source>
        <translation>令牌只保留在内存中，直到应用关闭；不会存储任何内容</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="87"/>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="88"/>
        <source>&amp;Test</source>
        <translation>测试(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="90"/>
        <source>Make a free, authenticated request (the voice list) to check the token</source>
        <translation>发送一个免费的认证请求（获取声音列表）来检验令牌</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="98"/>
        <source>&amp;Token:</source>
        <translation>令牌(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="170"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="182"/>
        <source>The token contains spaces or line breaks; paste it again.</source>
        <translation>令牌包含空格或换行，请重新粘贴。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="183"/>
        <source>The token contains characters a request cannot carry.</source>
        <translation>令牌包含请求无法携带的字符。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="205"/>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="220"/>
        <source>Keyring: %1</source>
        <translation>系统钥匙串：%1</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="227"/>
        <source>No usable keyring was found, so the token cannot be saved.</source>
        <translation>未找到可用的系统钥匙串，无法保存令牌。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="228"/>
        <source>You can use the token for this session only.</source>
        <translation>令牌只能在本次会话中使用。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="239"/>
        <source>A token is set by the AVATAR_API_TOKEN environment variable; it takes precedence over the keyring.</source>
        <translation>已通过 AVATAR_API_TOKEN 环境变量设置令牌，其优先级高于系统钥匙串。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="242"/>
        <source>A token is saved in the keyring.</source>
        <translation>令牌已保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="243"/>
        <source>A token is kept for this session only.</source>
        <translation>令牌仅在本次会话中保留。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/token_dialog.py" line="244"/>
        <source>No token is set.</source>
        <translation>未设置令牌。</translation>
    </message>
</context>
<context>
    <name>UnsavedTaskIdsBanner</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="348"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="349"/>
        <source>Copy these task ids</source>
        <translation>复制这些任务 ID</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="383"/>
        <source>Task %1 was accepted but could not be saved yet (%2); the app keeps trying. Note its id.</source>
        <translation>任务 %1 已被接受，但暂时无法保存（%2）；应用会继续尝试。请记下它的 ID。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="395"/>
        <source>Task %1 is saved in the task list now.</source>
        <translation>任务 %1 现已保存到任务列表。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="409"/>
        <source>Task ids not saved yet</source>
        <translation>任务 ID 尚未保存</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="413"/>
        <source>%n accepted job(s) could not be saved in the task list yet. Copy their task ids before you quit:</source>
        <translation>
            <numerusform>%n 个已被接受的任务尚未能保存到任务列表中。退出前请复制它们的任务 ID：</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="422"/>
        <source>The next start adds them to the task list when the disk has room.</source>
        <translation>下次启动时，只要磁盘有空间，就会把它们加入任务列表。</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="424"/>
        <source>Copy and quit</source>
        <translation>复制并退出</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="426"/>
        <source>Don&apos;t quit</source>
        <translation>不退出</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="440"/>
        <source>The disk is full, so %n accepted job(s) could not be saved yet.</source>
        <translation>
            <numerusform>磁盘已满，因此 %n 个已被接受的任务尚未能保存。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="446"/>
        <source>The task list cannot be written, so %n accepted job(s) could not be saved yet.</source>
        <translation>
            <numerusform>任务列表无法写入，因此 %n 个已被接受的任务尚未能保存。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/storage_dialog.py" line="454"/>
        <source>The app keeps trying. Copy their task ids now and keep them until they are in the task list:</source>
        <translation>应用会继续尝试。请现在复制它们的任务 ID 并妥善保存，直到它们出现在任务列表中：</translation>
    </message>
</context>
<context>
    <name>UrlField</name>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="172"/>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="174"/>
        <source>Paste a web address, or a file copied in your file manager</source>
        <translation>粘贴网址，或在文件管理器中复制的文件</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="176"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="180"/>
        <source>Browse…: choose a file on this computer; it is uploaded when the job is sent (you can also drop a file on the field)</source>
        <translation>浏览…：选择本机上的文件；发送任务时会上传它（也可以把文件拖到此栏）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="211"/>
        <source>Pictures and videos (*.jpg *.jpeg *.png *.mp4 *.mov *.webm)</source>
        <translation>图片和视频 (*.jpg *.jpeg *.png *.mp4 *.mov *.webm)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="213"/>
        <source>Audio (*.mp3 *.wav *.m4a *.aac)</source>
        <translation>音频 (*.mp3 *.wav *.m4a *.aac)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="214"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="228"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/compose/compose.py" line="258"/>
        <source>%1 · %2 · a file on this computer, uploaded when the job is sent</source>
        <translation>%1 · %2 · 本机文件，发送任务时上传</translation>
    </message>
</context>
<context>
    <name>UserGuideWindow</name>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="92"/>
        <source>Avatar Desktop — User guide</source>
        <translation>Avatar Desktop — 用户指南</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="93"/>
        <source>&amp;Search:</source>
        <translation>搜索(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="94"/>
        <source>A word to find in the guide (Enter: next)</source>
        <translation>要在指南中查找的词（回车：查找下一个）</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/dialogs/help.py" line="95"/>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="68"/>
        <source>Status checks paused: offline</source>
        <translation>状态查询已暂停：离线</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="69"/>
        <source>Status checks paused: the token was refused</source>
        <translation>状态查询已暂停：令牌被拒绝</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="70"/>
        <source>Status checks failing; trying again later</source>
        <translation>状态查询失败；稍后重试</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="84"/>
        <source>sending paused: token refused</source>
        <translation>发送已暂停：令牌被拒绝</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="86"/>
        <source>sending paused</source>
        <translation>发送已暂停</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="88"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="90"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="91"/>
        <source>Outbox: %1 waiting</source>
        <translation>发件箱：%1 个待发送</translation>
    </message>
    <message>
        <location filename="../../avatar_desktop/ui/status_bar.py" line="93"/>
        <source>%1 need you</source>
        <translation>%1 个需要你处理</translation>
    </message>
    <message numerus="yes">
        <location filename="../../avatar_desktop/ui/status_bar.py" line="95"/>
        <source>%n wait for other services</source>
        <translation>
            <numerusform>%n 个在等待其他服务</numerusform>
        </translation>
    </message>
</context>
</TS>
