from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
)
from app.extensions import db, limiter
from app.forms import apply_errors
from app.services.account_mail import (
    queue_account_exists,
    queue_password_reset,
    user_from_token,
)
from app.services.accounts import (
    EmailTaken,
    authenticate,
    change_password,
    check_password,
    end_sessions,
    find_user,
    register_user,
)
from app.urls import safe_next
from models import ValidationError

# The same words whether or not the address already had an account (no enumeration).
REGISTERED = ("Si cette adresse n'était pas encore inscrite, votre compte est créé. Sinon, un "
              "e-mail vient d'être envoyé à son titulaire.")
RESET_SENT = ("Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé avec un "
              "lien pour choisir un nouveau mot de passe (valable une heure).")
BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_user(db.session, form.email.data, form.password.data, form.name.data)
            db.session.commit()
        except EmailTaken:
            db.session.rollback()
            owner = find_user(db.session, form.email.data)
            if owner is not None:
                queue_account_exists(db.session, owner)
                db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
            return render_template("auth/register.html", form=form)
        else:
            login_user(user)
        flash(REGISTERED, "success")
        return redirect(url_for("main.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
@login_required
def logout():
    end_sessions(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("main.index"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_user(db.session, form.email.data)
        if user is not None and user.is_active:
            queue_password_reset(db.session, user)
            db.session.commit()
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/nouveau-mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    user = user_from_token(db.session, token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit() and _set_password(form, user):
        flash("Votre mot de passe est changé : connectez-vous avec le nouveau.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not check_password(user, form.current.data):
            form.current.errors.append("Mot de passe actuel incorrect.")
        elif _set_password(form, user):
            login_user(user)  # this browser stays signed in; every other session ends
            flash("Votre mot de passe est changé ; vos autres sessions sont fermées.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


def _set_password(form: NewPasswordForm | ChangePasswordForm, user) -> bool:
    """Apply the new password; False (error shown next to the field) when the policy refuses it."""
    try:
        change_password(db.session, user, form.password.data)
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error)
        return False
    return True
