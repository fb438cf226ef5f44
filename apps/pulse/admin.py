from django.contrib import admin

from apps.pulse.models import PulseSettings, PulseSkip

# Individual answers are deliberately not in the admin: only the person sees their own.
admin.site.register(PulseSettings)
admin.site.register(PulseSkip)
