"""The registrant's side of the portal: jobs for them, applications, proposals, profile, data.

Every view reaches what it shows through ``common.own_registrant`` and
``common.own_application``: a registrant only ever gets their own records (anything else is a
404), and a case's confidential part only once their application passed screening
(``jobs.views.public.confidential_for``).
"""
