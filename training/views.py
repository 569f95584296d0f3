from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from training.forms import SignInForm
from training.roles import Role
from training.selectors.dashboard import home_counts, removed_providers


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    context = {"counts": home_counts(user), "role_label": Role(user.role).label if user.role else ""}
    return render(request, "training/home.html", context)


def public_removed_providers(request):
    """Anyone may read which providers were removed and why (三(三) 公开曝光)."""
    return render(request, "training/removed_providers.html", {"providers": removed_providers()})
