from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import LoginForm, RegisterForm
from app.extensions import db, limiter
from app.forms import apply_errors
from app.services.accounts import authenticate, register_user
from app.urls import safe_next
from models import ValidationError


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_user(db.session, form.email.data, form.password.data, form.name.data)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            login_user(user)
            flash("Bienvenue sur Essaim ! Votre compte est créé.", "success")
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
        form.password.errors.append("Adresse e-mail ou mot de passe incorrect.")
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
@login_required
def logout():
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("main.index"))
