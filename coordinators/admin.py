from django.contrib import admin

from .models import ContactNote, ShortlistEntry


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ["job", "registrant", "added_by", "added_at"]
    autocomplete_fields = ["job", "registrant"]


@admin.register(ContactNote)
class ContactNoteAdmin(admin.ModelAdmin):
    list_display = ["registrant", "kind", "job", "by", "at"]
    list_filter = ["kind"]
    search_fields = ["registrant__family_name", "registrant__ref", "text"]
    autocomplete_fields = ["registrant", "job"]
