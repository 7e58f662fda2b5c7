from playwright.sync_api import expect

from registrants.models import Registrant


def test_sign_up_log_in_and_switch_to_english(page):
    page.goto(page.base_url + "/")
    expect(page.locator("h1")).to_have_text("あなたが実際にしてきた仕事に合うお仕事を")

    page.get_by_role("link", name="登録する").first.click()
    page.get_by_label("メールアドレス").fill("browser.user@example.jp")
    page.locator("#id_family_name").fill("高橋")
    page.locator("#id_given_name").fill("美咲")
    page.get_by_label("姓（カナ）").fill("タカハシ")
    page.get_by_label("名（カナ）").fill("ミサキ")
    page.get_by_label("パスワード").fill("kiri-no-mori-7")
    page.get_by_label("私の情報が仕事探しと就業の管理にだけ使われ", exact=False).check()
    page.get_by_role("button", name="登録する").click()
    expect(page.locator(".message")).to_have_text("ようこそ。登録が完了しました。")
    assert Registrant.objects.get(email="browser.user@example.jp").full_name == "高橋 美咲"

    page.get_by_role("button", name="ログアウト").click()
    page.get_by_role("link", name="ログイン").click()
    page.get_by_label("メールアドレス").fill("browser.user@example.jp")
    page.get_by_label("パスワード").fill("kiri-no-mori-7")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator(".who")).to_have_text("高橋 美咲")

    page.get_by_test_id("language-en").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Work that fits what you have actually done")
    expect(page.get_by_role("link", name="My page")).to_be_visible()
    page.get_by_role("link", name="My page").click()
    expect(page.locator("h1")).to_have_text("Hello, 高橋 美咲")
